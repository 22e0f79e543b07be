// Baton's engine against llama.cpp on the same GGUF files, interleaved in one session (the machines here swing up to
// 40 % between runs, so only ratios measured side by side mean anything). Each round runs, per model, in alternating
// order: `bin/baton bench` with 2 threads (prefill, decode at every --batch), `bin/baton bench` with 1 thread (batch-1
// decode), and bench.mjs (llama.cpp: prefill with 2 threads, decode with 1). Prints a Markdown table of medians and
// ratios; every raw JSON result goes to stderr. With --llama-mapped-dir (an install made by no-amx-install.sh), a
// second llama.cpp runs beside the first in every round: the same build without its AMX library, which keeps the
// weights of most types in the file's mapping as Baton does; the table then has ratios against both, and says where
// each reference kept its weights.
//
//   node bench/llamacpp/compare.mjs --models a.gguf,b.gguf [--rounds 3] [--batch 1,8,16] [--repeat 1]
//        [--prompt-tokens 128] [--gen-tokens 128] [--llama-dir DIR] [--llama-mapped-dir DIR]
import {execFileSync} from "node:child_process";
import {existsSync} from "node:fs";
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
        + " [--repeat 1] [--prompt-tokens 128] [--gen-tokens 128] [--llama-dir DIR] [--llama-mapped-dir DIR]");
    process.exit(2);
}
const models = args.models.split(",");
const rounds = Number(args.rounds ?? 3);
const batch = args.batch ?? "1,8,16";
const shared = ["--prompt-tokens", args["prompt-tokens"] ?? "128", "--gen-tokens", args["gen-tokens"] ?? "128",
    "--repeat", args.repeat ?? "1"];
const llamaDir = args["llama-dir"] ? ["--llama-dir", args["llama-dir"]] : [];
const mappedDir = args["llama-mapped-dir"];
for (const dir of [args["llama-dir"], mappedDir].filter(Boolean)) {
    if (!existsSync(path.join(dir, "node_modules/node-llama-cpp"))) {
        console.error(`compare.mjs: no node-llama-cpp install at ${dir} (see engine/README.md)`);
        process.exit(2);
    }
}
const llamaRun = dir => m => json(process.execPath, [path.join(here, "bench.mjs"), "--model", m, "--prefill-threads",
    "2", "--decode-threads", "1", "--batch", "1", ...shared, ...dir]);

const runs = {
    ours2: m => json(baton, ["bench", "--model", m, "--threads", "2", "--batch", batch, ...shared, "--json"]),
    ours1: m => json(baton, ["bench", "--model", m, "--threads", "1", "--batch", "1", ...shared, "--json"]),
    llama: llamaRun(llamaDir),
    ...(mappedDir ? {mapped: llamaRun(["--llama-dir", mappedDir])} : {}),
};
const kinds = Object.keys(runs);
const results = new Map(models.map(m => [m, Object.fromEntries(kinds.map(k => [k, []]))]));
for (let round = 0; round < rounds; round++) {
    for (const m of models) {
        const order = round % 2 === 0 ? kinds : [...kinds].reverse();
        for (const kind of order) {
            const r = runs[kind](m);
            console.error(JSON.stringify({round, kind, ...r}));
            results.get(m)[kind].push(r);
        }
    }
}

const batches = batch.split(",").map(Number);
const against = mappedDir ? ["llama.cpp", "llama.cpp without AMX"] : ["llama.cpp"];
const header = ["model", ...against.flatMap(a => [`prefill 2T ours / ${a} (tok/s)`, "ratio"]),
    ...against.flatMap(a => [`decode B=1 1T ours / ${a}`, "ratio"]),
    "decode B=1 2T ours", ...batches.filter(b => b > 1).map(b => `B=${b} 2T aggregate (× B=1)`), "read GB/s",
    "B=1 1T of bound", "peak RSS MiB ours", ...against.map(a => `${a}: CPU library, weights (MiB), peak RSS`)];
console.log(`| ${header.join(" | ")} |`);
console.log("|" + " --- |".repeat(header.length));
for (const m of models) {
    const r = results.get(m);
    const references = mappedDir ? [r.llama, r.mapped] : [r.llama];
    const prefill = median(r.ours2.map(x => x.prefill_tps));
    const decode1 = median(r.ours1.map(x => x.decode[0].tps));
    const decodeAt = b => median(r.ours2.map(x => x.decode.find(d => d.batch === b).tps));
    const bound = median(r.ours1.map(x => x.bound_tps));
    const versus = (ours, theirs) => [`${f(ours)} / ${f(theirs)}`, `${(ours / theirs).toFixed(2)}×`];
    const cells = [path.basename(m),
        ...references.flatMap(ref => versus(prefill, median(ref.map(x => x.prefill_tps)))),
        ...references.flatMap(ref => versus(decode1, median(ref.map(x => x.decode[0].tps)))), f(decodeAt(1)),
        ...batches.filter(b => b > 1).map(b => `${f(decodeAt(b))} (${(decodeAt(b) / decodeAt(1)).toFixed(1)}×)`),
        f(median([...r.ours1, ...r.ours2].map(x => x.bandwidth_gbs))), `${Math.round(100 * decode1 / bound)} %`,
        String(Math.max(...r.ours2.map(x => x.peak_rss_mib))), ...references.map(whereWeightsLived)];
    console.log(`| ${cells.join(" | ")} |`);
}

/** e.g. "sapphirerapids, AMX 124 + CPU_Mapped 111, 397": the reference's CPU library, weight buffers, peak RSS. */
function whereWeightsLived(runsOfOneReference) {
    const last = runsOfOneReference[runsOfOneReference.length - 1];
    const buffers = Object.entries(last.weight_buffers_mib ?? {}).map(([name, mib]) => `${name} ${f(mib)}`).join(" + ");
    return `${last.cpu_variant ?? "?"}, ${buffers || "?"}, ${last.peak_rss_mib ?? "?"}`;
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
