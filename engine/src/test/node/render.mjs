// The oracle for k3mcp's Java Jinja: renders every case of a fixture file with @huggingface/jinja (the
// JavaScript implementation Hugging Face maintains) and writes the file back with each "expected"
// (or "error", the message of a template that raises) filled in.
//   npm ci && node render.mjs ../resources/chat/templates/NAME.jinja ../resources/chat/NAME.cases.json
import { Template } from "@huggingface/jinja";
import fs from "fs";

const [templateFile, casesFile] = process.argv.slice(2);
if (!templateFile || !casesFile) {
  console.error("usage: node render.mjs TEMPLATE.jinja CASES.json");
  process.exit(2);
}
const template = new Template(fs.readFileSync(templateFile, "utf8"));
const cases = JSON.parse(fs.readFileSync(casesFile, "utf8"));
const rendered = cases.map((c) => {
  const { name, context } = c;
  if (c.oracle === "jinja2") {
    return c; // uses what @huggingface/jinja lacks (e.g. the reject filter): ../python/render_hf.py renders it
  }
  try {
    return { name, context, expected: template.render(context) };
  } catch (e) {
    return { name, context, error: String(e.message) };
  }
});
fs.writeFileSync(casesFile, JSON.stringify(rendered, null, 1) + "\n");
console.error(`${casesFile}: ${rendered.length} cases`);
