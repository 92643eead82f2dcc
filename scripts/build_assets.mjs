// Builds the browser bundles committed under static/vendor/ (`make assets`): one minified IIFE
// per entry, its third-party license comments collected in a .LICENSES.txt beside it.
import { build } from "esbuild";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundles = [
  { entry: "assets/coedit/index.js", out: "static/vendor/coedit/coedit.js" },
];

for (const { entry, out } of bundles) {
  const outfile = join(root, out);
  await mkdir(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    format: "iife",
    minify: true,
    target: ["es2020"],
    legalComments: "external", // -> <out>.LEGAL.txt, renamed below
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  const licenses = [];
  for (const file of result.outputFiles) {
    if (file.path.endsWith(".LEGAL.txt")) licenses.push(file.text);
    else await writeFile(file.path, file.text);
  }
  const packages = new Set();
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(".js"))[1];
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (!bytesInOutput) continue; // imported, then shaken out
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match) packages.add(match[1]);
  }
  const header = "Third-party code in " + out.split("/").pop() + " (from npm; versions in package-lock.json):\n" +
    [...packages].sort().map((name) => "- " + name).join("\n") + "\n\nTheir license comments:\n\n";
  await writeFile(outfile.replace(/\.js$/, ".LICENSES.txt"), header + licenses.join("\n"));
  const bytes = result.outputFiles.find((f) => f.path === outfile).contents.length;
  console.log(out + ": " + Math.round(bytes / 1024) + " KiB, " + packages.size + " packages");
}
