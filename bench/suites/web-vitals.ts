import { type Browser, chromium, type Page } from "playwright-core";
import type { Session } from "../../test/remote-client.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { ms, percentile } from "../lib/stats.js";
import { browserCookie, chromiumPath, startWebFixture } from "../lib/web.js";

type Vitals = { lcp: number; cls: number; shifts: string[] };

/** Collects largest contentful paint and layout shifts from the first moment of the page. */
const observeVitals = () => {
  const vitals = { lcp: 0, cls: 0, shifts: [] as string[] };
  (window as unknown as { __vitals: typeof vitals }).__vitals = vitals;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) vitals.lcp = entry.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as unknown as {
      value: number;
      hadRecentInput: boolean;
      sources?: { node?: Node }[];
    }[]) {
      if (entry.hadRecentInput) continue;
      vitals.cls += entry.value;
      const moved = (entry.sources ?? [])
        .map((source) => {
          const node = source.node;
          return node instanceof Element
            ? `${node.tagName.toLowerCase()}.${[...node.classList].slice(0, 3).join(".")}`
            : String(node?.nodeName);
        })
        .join(", ");
      vitals.shifts.push(`${entry.value.toFixed(3)} ${moved}`);
    }
  }).observe({ type: "layout-shift", buffered: true });
};

/**
 * Time from a key's event to the frame that shows it: the keydown's timestamp to a task queued
 * right after the next animation frame (the frame's paint has been handed off by then).
 */
const listenForKeystrokes = () => {
  const latencies: number[] = [];
  (window as unknown as { __keystrokes: number[] }).__keystrokes = latencies;
  document.addEventListener(
    "keydown",
    (event) => {
      const start = event.timeStamp;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => latencies.push(performance.now() - start);
        channel.port2.postMessage(null);
      });
    },
    { capture: true },
  );
};

async function openThread(browser: Browser, url: string, session: Session, lastText: RegExp) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies([browserCookie(session, new URL(url).origin)]);
  await context.addInitScript(observeVitals);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByText(lastText).last().waitFor();
  await page.getByRole("textbox", { name: "Message" }).waitFor();
  // Let late paints and shifts (the editor arriving) land before reading the figures.
  await page.waitForTimeout(1000);
  const vitals = await page.evaluate(() => (window as unknown as { __vitals: Vitals }).__vitals);
  return { context, page, vitals };
}

async function typeKeys(page: Page, count: number) {
  await page.evaluate(listenForKeystrokes);
  const editor = page.getByRole("textbox", { name: "Message" });
  await editor.click();
  for (let index = 0; index < count; index++) {
    await page.keyboard.press(String.fromCharCode(97 + (index % 26)));
    await page.waitForFunction(
      (typed) => (window as unknown as { __keystrokes: number[] }).__keystrokes.length >= typed,
      index + 1,
    );
    await page.waitForTimeout(30);
  }
  const typed = await editor.innerText();
  const latencies = await page.evaluate(
    () => (window as unknown as { __keystrokes: number[] }).__keystrokes,
  );
  return { latencies, typed: typed.replace(/\s/g, "").length };
}

type Screen = { lcp: number[]; cls: number[]; keystrokes: number[]; shifts: string[] };

/**
 * A contact's thread of 500 messages in headless Chromium (1280×800, no throttling), cold cache
 * each load: largest contentful paint, layout shift and composer keystroke latency, against the
 * same screen with an empty thread in the same run.
 */
export async function webVitalsBenchmark(context: BenchContext): Promise<BenchResult> {
  const messages = context.smoke ? 20 : 500;
  const loads = context.smoke ? 1 : 7;
  const keys = context.smoke ? 5 : 60;
  const web = await startWebFixture(context, messages);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const problems: string[] = [];
  try {
    const screens = {
      empty: { url: web.urls.portalEmptyThread, last: /No messages yet/ },
      full: { url: web.urls.portalThread, last: new RegExp(`\\(${messages}\\)$`) },
    };
    const results: Record<keyof typeof screens, Screen> = {
      empty: { lcp: [], cls: [], keystrokes: [], shifts: [] },
      full: { lcp: [], cls: [], keystrokes: [], shifts: [] },
    };
    // Alternate the two screens so both see the same machine load.
    for (let load = 0; load < loads; load++) {
      for (const name of ["empty", "full"] as const) {
        const screen = screens[name];
        const opened = await openThread(browser, screen.url, web.contact, screen.last);
        results[name].lcp.push(opened.vitals.lcp);
        results[name].cls.push(opened.vitals.cls);
        results[name].shifts.push(...opened.vitals.shifts);
        if (load === 0) {
          const typed = await typeKeys(opened.page, keys);
          results[name].keystrokes.push(...typed.latencies);
          if (typed.typed !== keys) problems.push(`${name}: ${typed.typed} of ${keys} keys shown`);
        }
        await opened.context.close();
      }
    }
    const median = (values: number[]) => percentile(values, 50);
    const { empty, full } = results;
    const lcpRatio = median(full.lcp) / median(empty.lcp);
    const keyRatio = percentile(full.keystrokes, 95) / percentile(empty.keystrokes, 95);
    return {
      title: `Web: a thread of ${messages} messages in headless Chromium (1280×800, unthrottled, ${loads} cold loads, ${keys} keystrokes)`,
      lines: [
        `- empty thread (baseline): LCP ${ms(median(empty.lcp))}, CLS ${median(empty.cls).toFixed(3)}, keystroke to next frame p50 ${ms(median(empty.keystrokes))}, p95 ${ms(percentile(empty.keystrokes, 95))}`,
        `- ${messages} messages: **LCP ${ms(median(full.lcp))}** (target < 1 s; runs ${full.lcp.map((value) => value.toFixed(0)).join(", ")} ms), CLS ${median(full.cls).toFixed(3)}, **keystroke p50 ${ms(median(full.keystrokes))}, p95 ${ms(percentile(full.keystrokes, 95))}** (target < 50 ms)`,
        `- **ratio ${messages} messages / empty: LCP ${lcpRatio.toFixed(2)}, keystroke p95 ${keyRatio.toFixed(2)}**`,
        ...(full.shifts.length > 0
          ? [
              `- layout shifts seen on the full thread: ${[...new Set(full.shifts)].slice(0, 5).join("; ")}`,
            ]
          : []),
      ],
      problems,
    };
  } finally {
    await browser.close();
    await web.stop();
  }
}
