// Lighthouse's SEO category on each address given: prints one JSON object,
// {address: {score, failing: [{id, title, details}], runtimeError}}.
// Run by tests/site/test_lighthouse_seo.py: node tests/lighthouse_seo.mjs URL...
// CHROME_PATH names the browser (the test passes Debian's chromium). One
// headless Chromium audits the pages in turn: Lighthouse runs one audit at a
// time per process, so the test starts two processes to go faster.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

// Lighthouse's default settings (its own throttling model, which is also the
// quickest here), without the full-page screenshot no SEO audit reads, and
// without the second of quiet it waits for after the load event: the pages
// are rendered on the server and no script changes what the SEO audits read
// (title, meta tags, links, structured data, robots.txt), so the audits see
// the same page, some 3 s sooner per page.
const config = {
  extends: "lighthouse:default",
  settings: {
    onlyCategories: ["seo"],
    disableFullPageScreenshot: true,
    pauseAfterFcpMs: 0,
    pauseAfterLoadMs: 0,
    networkQuietThresholdMs: 0,
    cpuQuietThresholdMs: 0,
  },
};

function summary(lhr) {
  const category = lhr.categories.seo;
  const failing = category.auditRefs
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1
      && !["manual", "notApplicable", "informative"].includes(audit.scoreDisplayMode))
    .map((audit) => ({
      id: audit.id,
      title: audit.title,
      details: JSON.stringify((audit.details && audit.details.items) || audit.explanation || "").slice(0, 600),
    }));
  return { score: category.score, failing, runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null };
}

async function audit(urls, results) {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    for (const url of urls) {
      const runnerResult = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error" }, config);
      results[url] = summary(runnerResult.lhr);
    }
  } finally {
    await chrome.kill();
  }
}

const urls = process.argv.slice(2);
const results = {};
await audit(urls, results);
process.stdout.write(JSON.stringify(results));
