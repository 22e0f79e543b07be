// Reference llama.cpp throughput on a GGUF file, measured the way `baton bench` measures Baton, through the
// prebuilt llama.cpp in the npm package node-llama-cpp (installed outside the repository, see engine/README.md).
//
//   node bench/llamacpp/bench.mjs --model M [--prompt-tokens 128] [--gen-tokens 128] [--batch 1]
//        [--prefill-threads 2] [--decode-threads 1] [--repeat 3] [--llama-dir DIR]
//
// Prints one JSON object: {"engine":"llama.cpp","model","prefill_threads","decode_threads","prefill_tps",
// "decode":[{"batch","tps"}],"cpu_variant","weight_buffers_mib","peak_rss_mib"}. cpu_variant is the ggml CPU library
// llama.cpp loaded for this CPU (e.g. "sapphirerapids"); weight_buffers_mib says where its weights live, from its
// load log: "CPU_Mapped" is the file's mapping, "AMX" and "CPU_REPACK" are copies repacked at load for its int8 kernels
// (it does that for quantized matrices on CPUs it has such kernels for, see docs/benchmarks.md). Prefill: one prompt of --prompt-tokens ids evaluated as one batch. Decode at batch B:
// B sequences, each starting from one token, generating --gen-tokens tokens greedily together; tps is the aggregate
// over the batch and counts the tokens after the first (the first comes from the one-token prefill). Prompt ids are
// the same as `baton bench` uses. Each figure is the best of --repeat runs after one warm-up run.
import {pathToFileURL} from "node:url";
import path from "node:path";
import os from "node:os";
import {existsSync, readFileSync} from "node:fs";

const args = parseArgs(process.argv.slice(2));
const modelPath = path.resolve(required(args, "model"));
const promptTokens = int(args, "prompt-tokens", 128);
const genTokens = int(args, "gen-tokens", 128);
const batches = (args.batch ?? "1").split(",").map(Number);
const prefillThreads = int(args, "prefill-threads", 2);
const decodeThreads = int(args, "decode-threads", 1);
const repeat = int(args, "repeat", 3);
const llamaDir = args["llama-dir"] ?? process.env.BATON_LLAMA_DIR ?? path.join(os.homedir(), "baton-llama");

if (!existsSync(path.join(llamaDir, "node_modules/node-llama-cpp/dist/index.js"))) {
    usage(`no node-llama-cpp install at ${llamaDir} (see engine/README.md, "Benchmarks against llama.cpp")`);
}
const {getLlama, LlamaLogLevel} = await import(
    pathToFileURL(path.join(llamaDir, "node_modules/node-llama-cpp/dist/index.js")).href);
// maxThreads 0: the context's thread count is used as given, not shared out among evaluations
// Info level for the load lines read below; errors still go to stderr.
const weightBuffers = {};
const llama = await getLlama({gpu: false, build: "never", maxThreads: 0, logLevel: LlamaLogLevel.info,
    logger: (level, message) => {
        const buffer = /load_tensors: +(\S+) model buffer size = +([\d.]+) MiB/.exec(message);
        if (buffer) {
            weightBuffers[buffer[1]] = Number(buffer[2]);
        } else if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
            process.stderr.write(message.endsWith("\n") ? message : message + "\n");
        }
    }});
const model = await llama.loadModel({modelPath, useMmap: true});
const vocab = model.tokenizer.length ?? model.fileInfo.metadata.tokenizer.ggml.tokens.length;

const prefill = await bestOf(async () => {
    const context = await model.createContext({contextSize: promptTokens + 8, batchSize: promptTokens,
        threads: prefillThreads, sequences: 1});
    try {
        const sequence = context.getSequence();
        const start = process.hrtime.bigint();
        await sequence.evaluateWithoutGeneratingNewTokens(syntheticPrompt(promptTokens, vocab));
        return promptTokens / seconds(start);
    } finally {
        await context.dispose();
    }
});

const decode = [];
for (const batch of batches) {
    const tps = await bestOf(async () => {
        const context = await model.createContext({contextSize: batch * (genTokens + 8), batchSize: 512,
            threads: decodeThreads, sequences: batch});
        try {
            let first = null;
            let last = null;
            await Promise.all(Array.from({length: batch}, async (_, s) => {
                const sequence = context.getSequence();
                let count = 0;
                for await (const token of sequence.evaluate([1 + s], {temperature: 0})) {
                    const now = process.hrtime.bigint();
                    if (count === 0 && (first === null || now > first)) {
                        first = now;   // the decode clock starts once every sequence has its first token
                    }
                    last = now;
                    if (++count === genTokens) {
                        break;
                    }
                }
            }));
            return batch * (genTokens - 1) / (Number(last - first) / 1e9);
        } finally {
            await context.dispose();
        }
    });
    decode.push({batch, tps: round(tps)});
}

console.log(JSON.stringify({engine: "llama.cpp", model: modelPath, prefill_threads: prefillThreads,
    decode_threads: decodeThreads, prefill_tps: round(prefill), decode, cpu_variant: cpuVariant(),
    weight_buffers_mib: weightBuffers, peak_rss_mib: peakRssMib()}));
await model.dispose();
await llama.dispose();

async function bestOf(run) {
    await run();   // warm-up
    let best = 0;
    for (let i = 0; i < repeat; i++) {
        best = Math.max(best, await run());
    }
    return best;
}

/** The prompt `baton bench` uses: id 1, then i·7919 mod vocab. */
function syntheticPrompt(n, vocabSize) {
    return Array.from({length: n}, (_, i) => i === 0 ? 1 : Number(BigInt(i) * 7919n % BigInt(vocabSize)));
}

/** The ggml CPU library this process loaded (ggml picks the best one the CPU supports). */
function cpuVariant() {
    const loaded = /libggml-cpu-([\w-]+)\.so/.exec(readFileSync("/proc/self/maps", "utf8"));
    return loaded ? loaded[1] : null;
}

/** This process's peak resident set (VmHWM), llama.cpp's copies of the weights included. */
function peakRssMib() {
    const kib = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
    return kib ? Math.round(Number(kib[1]) / 1024) : null;
}

function seconds(start) {
    return Number(process.hrtime.bigint() - start) / 1e9;
}

function round(v) {
    return Math.round(v * 100) / 100;
}

function parseArgs(argv) {
    const out = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
            usage(`unexpected argument '${argv[i]}'`);
        }
        out[argv[i].slice(2)] = argv[i + 1];
    }
    return out;
}

function required(a, name) {
    if (a[name] === undefined) {
        usage(`--${name} is required`);
    }
    return a[name];
}

function int(a, name, fallback) {
    const v = a[name] === undefined ? fallback : Number(a[name]);
    if (!Number.isInteger(v) || v < 1) {
        usage(`--${name} must be a positive integer`);
    }
    return v;
}

function usage(message) {
    console.error(`bench.mjs: ${message}\nusage: node bench/llamacpp/bench.mjs --model M [--prompt-tokens 128]`
        + " [--gen-tokens 128] [--batch 1,8] [--prefill-threads 2] [--decode-threads 1] [--repeat 3] [--llama-dir DIR]");
    process.exit(2);
}
