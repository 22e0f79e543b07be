// Reference tokenizer throughput: llama.cpp's own tokenizer (the prebuilt one in the npm package node-llama-cpp,
// installed outside the repository, see engine/README.md) on the text of Baton's TokenizerThroughputBenchmark.
//
//   bin/baton jmh tokenizer --documents /tmp/docs.jsonl
//   node bench/llamacpp/tokenize.mjs --documents /tmp/docs.jsonl --vocab V.gguf [--repeat 8] [--ids-out IDS]
//        [--llama-dir DIR]
//
// Loads only the vocabulary, then encodes every document (no BOS, special tokens as plain text, as
// `bin/baton tokenize --jsonl` does) and decodes the ids again, --repeat times. Prints one JSON object:
// {"engine":"llama.cpp","vocab","bytes","encode_mbs":[...],"decode_mbs":[...],"encode_mb_per_cpu_s":[...],
// "decode_mb_per_cpu_s":[...]}: MB (10^6 bytes of text) per second of wall time, and per second of the process's CPU
// time (what a loaded shared machine barely moves), for each repetition; the first repetition warms up and is left
// out. --ids-out writes the ids of each document
// as one JSON array per line, exactly as `bin/baton tokenize --jsonl` prints them, so `cmp` can compare the two.
import {parseArgs} from "node:util";
import {pathToFileURL} from "node:url";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const {values: opts} = parseArgs({
    options: {
        documents: {type: "string"},
        vocab: {type: "string"},
        repeat: {type: "string", default: "8"},
        "ids-out": {type: "string"},
        "llama-dir": {type: "string", default: process.env.BATON_LLAMA_DIR ?? path.join(os.homedir(), "baton-llama")},
    },
});
if (!opts.documents || !opts.vocab || !(Number(opts.repeat) >= 2)) {
    console.error("usage: node bench/llamacpp/tokenize.mjs --documents FILE.jsonl --vocab V.gguf [--repeat N>=2]"
        + " [--ids-out FILE] [--llama-dir DIR]");
    process.exit(2);
}

const documents = fs.readFileSync(opts.documents, "utf8").split("\n").filter(line => line !== "").map(JSON.parse);
const bytes = documents.reduce((n, d) => n + Buffer.byteLength(d, "utf8"), 0);
const {getLlama, LlamaLogLevel} = await import(
    pathToFileURL(path.join(opts["llama-dir"], "node_modules/node-llama-cpp/dist/index.js")).href);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: path.resolve(opts.vocab), vocabOnly: true});

const encode = {wall: [], cpu: []};
const decode = {wall: [], cpu: []};
let ids = [];
for (let r = 0; r < Number(opts.repeat); r++) {
    measure(encode, () => {
        ids = documents.map(d => model.tokenize(d, false));
    });
    measure(decode, () => {
        for (const x of ids) {
            model.detokenize(x);
        }
    });
}
if (opts["ids-out"]) {
    fs.writeFileSync(opts["ids-out"], ids.map(x => JSON.stringify(Array.from(x)) + "\n").join(""));
}
console.log(JSON.stringify({engine: "llama.cpp", vocab: path.basename(opts.vocab), bytes,
    encode_mbs: encode.wall.slice(1), decode_mbs: decode.wall.slice(1),
    encode_mb_per_cpu_s: encode.cpu.slice(1), decode_mb_per_cpu_s: decode.cpu.slice(1)}));
await model.dispose();

function measure(into, work) {
    const wallStart = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    work();
    const cpu = process.cpuUsage(cpuStart);
    into.wall.push(megabytesPer(Number(process.hrtime.bigint() - wallStart) / 1e9));
    into.cpu.push(megabytesPer((cpu.user + cpu.system) / 1e6));
}

function megabytesPer(seconds) {
    return Math.round(bytes / seconds / 1e4) / 100;
}
