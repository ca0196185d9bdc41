// A client generated from openapi.yaml alone (openapi-typescript types + openapi-fetch), run against the live app:
// if the contract and the app disagree on paths, parameters or shapes, this fails to compile or to check.
// Usage: CLAIMTRACKER_API=http://127.0.0.1:5080 CLAIMTRACKER_SEEDS=../../seeds/articles tsx check-client.ts
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import createClient from "openapi-fetch";
import type { paths } from "./generated/claimtracker.js";

const baseUrl = process.env.CLAIMTRACKER_API ?? "http://127.0.0.1:5080";
const seedFolder = process.env.CLAIMTRACKER_SEEDS ?? "../../seeds/articles";
// Set when CLAIMTRACKER_API is Prism's proxy in front of the app: every answer then carries Prism's verdict on the
// request and the response (an sl-violations header when it found any), and every request here is a valid one.
const throughPrism = process.env.CLAIMTRACKER_PRISM_PROXY === "1";
let relayed = 0;
const violations: string[] = [];
async function judgedFetch(request: Request): Promise<Response> {
  const response = await fetch(request);
  relayed++;
  const found = response.headers.get("sl-violations");
  if (found) violations.push(`${request.method} ${new URL(request.url).pathname}: ${found}`);
  return response;
}
const client = createClient<paths>({ baseUrl, fetch: throughPrism ? judgedFetch : undefined });

let failures = 0;
function check(condition: boolean, what: string, detail = ""): void {
  console.log(`${condition ? "ok  " : "FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  if (!condition) failures++;
}

// The seed articles, as the repository describes them.
const seedTitles = readdirSync(seedFolder)
  .filter((file) => file.endsWith(".json"))
  .map((file) => (JSON.parse(readFileSync(join(seedFolder, file), "utf8")) as { title: string }).title);
check(seedTitles.length >= 2, "the repository has the seed articles", `${seedTitles.length} in ${seedFolder}`);

// 1. List sources: every seed article is there.
const sources = await client.GET("/sources", { params: { query: { limit: 200 } } });
check(sources.response.status === 200 && sources.data !== undefined, "GET /sources answers 200", `${sources.response.status}`);
const listed = sources.data?.items ?? [];
for (const source of listed) console.log(`     source ${source.id}: ${source.title} (${source.outlet ?? "no outlet"}, ${source.published?.date ?? "undated"})`);
for (const title of seedTitles) {
  check(listed.some((s) => s.title === title), "the seed article is listed", title);
}

// 2. Find the figure 2500: both seed articles support it.
const figure = await client.GET("/figures", { params: { query: { value: "2500" } } });
check(figure.response.status === 200 && figure.data !== undefined, "GET /figures?value=2500 answers 200", `${figure.response.status}`);
const supporting = figure.data?.sources ?? [];
for (const s of supporting) {
  const claims = s.claims.map((c) => `claim ${c.claimId} "${c.text}" (${c.passages.length} passage(s))`).join("; ");
  console.log(`     ${s.source.title}: ${claims}`);
}
check(figure.data?.value === 2500, "the figure is read as 2500", `${figure.data?.value}`);
for (const title of seedTitles) {
  check(supporting.some((s) => s.source.title === title), "the seed article supports 2,500", title);
}
check(
  supporting.every((s) => s.claims.every((c) => c.passages.length > 0)),
  "every supporting claim comes with its passages",
);

// 3. Open conflicts: the seed corpus disagrees with itself at least once.
const conflicts = await client.GET("/conflicts", { params: { query: { status: "open" } } });
check(conflicts.response.status === 200 && conflicts.data !== undefined, "GET /conflicts?status=open answers 200", `${conflicts.response.status}`);
const open = conflicts.data?.items ?? [];
for (const c of open) console.log(`     conflict ${c.id} (${c.rule}, ${c.scope}): ${c.explanation}`);
check(open.length >= 1, "at least one open conflict", `${open.length}`);
check(open.every((c) => c.status === "open" && c.claims.length === 2), "each open conflict is open and sets two claims side by side");

// 4. An error as the contract describes it: problem+json with status, title and requestId.
const missing = await client.GET("/claims/{id}", { params: { path: { id: 0 } } });
check(missing.response.status === 404, "GET /claims/0 answers 404", `${missing.response.status}`);
check(missing.response.headers.get("content-type")?.startsWith("application/problem+json") === true, "the 404 is application/problem+json");
check(missing.error?.status === 404 && typeof missing.error?.title === "string" && typeof missing.error?.requestId === "string",
  "the problem has its status, title and requestId");

if (throughPrism) {
  for (const v of violations) console.log(`     Prism: ${v}`);
  check(violations.length === 0, `Prism checked ${relayed} requests and their answers against openapi.yaml`, `${violations.length} violation(s)`);
}

console.log(failures === 0 ? "contract client: all checks passed" : `contract client: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
