// Baton's engine against llama.cpp on the same GGUF files, interleaved in one session (the machines here swing up to
// 40 % between runs, so only ratios measured side by side mean anything). Each round runs, per model, in alternating
// order: `bin/baton bench` with 2 threads (prefill, decode at every --batch), `bin/baton bench` with 1 thread (batch-1
// decode), and bench.mjs (llama.cpp: prefill with 2 threads, decode with 1). Prints a Markdown table of medians and
// ratios; every raw JSON result goes to stderr.
//
//   node bench/llamacpp/compare.mjs --models a.gguf,b.gguf [--rounds 3] [--batch 1,8,16] [--repeat 1]
//        [--prompt-tokens 128] [--gen-tokens 128] [--llama-dir DIR]
import {execFileSync} from "node:child_process";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const baton = path.resolve(here, "../../bin/baton");
const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
    args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
}
if (!args.models) {
    console.error("usage: node bench/llamacpp/compare.mjs --models a.gguf,b.gguf [--rounds 3] [--batch 1,8,16]"
        + " [--repeat 1] [--prompt-tokens 128] [--gen-tokens 128] [--llama-dir DIR]");
    process.exit(2);
}
const models = args.models.split(",");
const rounds = Number(args.rounds ?? 3);
const batch = args.batch ?? "1,8,16";
const shared = ["--prompt-tokens", args["prompt-tokens"] ?? "128", "--gen-tokens", args["gen-tokens"] ?? "128",
    "--repeat", args.repeat ?? "1"];
const llamaDir = args["llama-dir"] ? ["--llama-dir", args["llama-dir"]] : [];

const runs = {
    ours2: m => json(baton, ["bench", "--model", m, "--threads", "2", "--batch", batch, ...shared, "--json"]),
    ours1: m => json(baton, ["bench", "--model", m, "--threads", "1", "--batch", "1", ...shared, "--json"]),
    llama: m => json(process.execPath, [path.join(here, "bench.mjs"), "--model", m, "--prefill-threads", "2",
        "--decode-threads", "1", "--batch", "1", ...shared, ...llamaDir]),
};
const results = new Map(models.map(m => [m, {ours2: [], ours1: [], llama: []}]));
for (let round = 0; round < rounds; round++) {
    for (const m of models) {
        const order = round % 2 === 0 ? ["ours2", "ours1", "llama"] : ["llama", "ours1", "ours2"];
        for (const kind of order) {
            const r = runs[kind](m);
            console.error(JSON.stringify({round, kind, ...r}));
            results.get(m)[kind].push(r);
        }
    }
}

const batches = batch.split(",").map(Number);
const header = ["model", "prefill 2T ours / llama.cpp (tok/s)", "ratio", "decode B=1 1T ours / llama.cpp", "ratio",
    "decode B=1 2T ours", ...batches.filter(b => b > 1).map(b => `B=${b} 2T aggregate (× B=1)`), "read GB/s",
    "B=1 1T of bound", "peak RSS MiB"];
console.log(`| ${header.join(" | ")} |`);
console.log("|" + " --- |".repeat(header.length));
for (const m of models) {
    const r = results.get(m);
    const prefill = median(r.ours2.map(x => x.prefill_tps));
    const llamaPrefill = median(r.llama.map(x => x.prefill_tps));
    const decode1 = median(r.ours1.map(x => x.decode[0].tps));
    const llamaDecode1 = median(r.llama.map(x => x.decode[0].tps));
    const decodeAt = b => median(r.ours2.map(x => x.decode.find(d => d.batch === b).tps));
    const bound = median(r.ours1.map(x => x.bound_tps));
    const cells = [path.basename(m), `${f(prefill)} / ${f(llamaPrefill)}`, `${(prefill / llamaPrefill).toFixed(2)}×`,
        `${f(decode1)} / ${f(llamaDecode1)}`, `${(decode1 / llamaDecode1).toFixed(2)}×`, f(decodeAt(1)),
        ...batches.filter(b => b > 1).map(b => `${f(decodeAt(b))} (${(decodeAt(b) / decodeAt(1)).toFixed(1)}×)`),
        f(median([...r.ours1, ...r.ours2].map(x => x.bandwidth_gbs))), `${Math.round(100 * decode1 / bound)} %`,
        String(Math.max(...r.ours2.map(x => x.peak_rss_mib)))];
    console.log(`| ${cells.join(" | ")} |`);
}

function json(command, argv) {
    return JSON.parse(execFileSync(command, argv, {encoding: "utf8", stdio: ["ignore", "pipe", "ignore"]}));
}

function median(values) {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function f(v) {
    return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}
