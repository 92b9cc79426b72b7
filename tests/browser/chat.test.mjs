// The web chat at `/`, driven in a real headless Chromium (Debian's) with
// playwright-core, against the real `maeum` binary that scripts/browser-test
// starts (offline replies, a throwaway database). Run it with that script:
//
//   scripts/browser-test
//
// MAEUM_URL is the server; CHROMIUM the browser (default /usr/bin/chromium);
// MAEUM_BROWSER_SHOTS the folder the screenshots go to (web-chat.png,
// web-chat-notice.png, web-chat-dark-phone.png; unset or empty: none).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.MAEUM_URL;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = process.env.MAEUM_BROWSER_SHOTS ?? "";
if (!BASE) throw new Error("MAEUM_URL is not set: run scripts/browser-test, which starts the server");

const LAST_BOT = ".msg.bot:not(.intro) >> nth=-1";
let browser;
let page;
const problems = [];

async function open(options) {
  const context = await browser.newContext({ locale: "ko-KR", ...options });
  const opened = await context.newPage();
  opened.setDefaultTimeout(15_000);
  // A script or style the page's policy blocks, or any script error, fails the test.
  opened.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  opened.on("pageerror", (error) => problems.push(String(error)));
  await opened.goto(BASE + "/");
  return opened;
}

// Records, from now on, whether the send button was disabled and whether a
// reply was shown while still streaming (the bubble's `streaming` class).
async function watch(target) {
  await target.evaluate(() => {
    const seen = (window.__seen = { disabled: false, streaming: false, busy: false });
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        const now = record.target.getAttribute(record.attributeName) || "";
        const before = record.oldValue || "";
        if (record.target.id === "send" && record.target.disabled) seen.disabled = true;
        if (record.attributeName === "aria-busy" && now === "true") seen.busy = true;
        if (record.attributeName === "class" && (now + " " + before).includes("streaming")) seen.streaming = true;
      }
    });
    observer.observe(document.body, { subtree: true, attributes: true, attributeOldValue: true });
  });
}

async function seen(target) {
  return target.evaluate(() => window.__seen);
}

// Sends `text` with Enter and waits for the whole reply; returns the
// server-sent events the page read.
async function send(target, text) {
  const box = target.getByLabel("마음에게 보낼 메시지");
  await box.fill(text);
  const response = target.waitForResponse((r) => r.url().endsWith("/v1/chat"));
  await box.press("Enter");
  const events = await (await response).text();
  await settled(target);
  return events;
}

// Waits until no reply is being written.
async function settled(target) {
  await target.waitForFunction(
    () =>
      document.getElementById("log").getAttribute("aria-busy") === "false" &&
      !document.querySelector(".msg.waiting, .msg.streaming"),
  );
}

function deltas(events) {
  return events.split("\n").filter((line) => line.startsWith("event: delta")).length;
}

async function shot(target, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await target.screenshot({ path: path.join(SHOTS, name) });
}

async function noHorizontalScroll(target) {
  const widths = await target.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    log: document.getElementById("scroller").scrollWidth,
    view: window.innerWidth,
  }));
  assert.ok(widths.page <= widths.view && widths.body <= widths.view && widths.log <= widths.view, JSON.stringify(widths));
}

function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // CI runs as root, where Chromium's sandbox cannot start.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
  page = await open({ viewport: { width: 900, height: 700 }, colorScheme: "light" });
});

after(async () => {
  await browser?.close();
});

test("opening / is enough: no token field, a labelled input, a polite live log", async () => {
  assert.equal(await page.title(), "마음 · Maeum");
  await assert.doesNotReject(page.getByRole("heading", { level: 1 }).waitFor());
  assert.equal(await page.locator("input[type=password], input[name*=token i], #token").count(), 0);
  const box = page.getByLabel("마음에게 보낼 메시지");
  assert.ok(await box.isVisible());
  assert.equal(await box.evaluate((e) => e.tagName), "TEXTAREA");
  const log = page.getByRole("log");
  assert.equal(await log.getAttribute("aria-live"), "polite");
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /^"?Pretendard"?,.*Noto Sans KR.*sans-serif$/);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.ok(luminance(background) > 0.8, `a light page in the light scheme: ${background}`);
  assert.deepEqual(problems, []);
});

test("Shift+Enter is a new line; an empty message is not sent", async () => {
  const box = page.getByLabel("마음에게 보낼 메시지");
  await box.focus();
  await page.keyboard.type("첫 줄");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("둘째 줄");
  assert.equal(await box.inputValue(), "첫 줄\n둘째 줄");
  assert.equal(await page.locator(".msg.me").count(), 0);
  await box.fill("   ");
  await box.press("Enter");
  assert.equal(await page.locator(".msg.me").count(), 0);
  await box.fill("");
});

test("a Korean message: the reply streams in with its emotion chip, and the privacy notice comes as a card", async () => {
  await watch(page);
  const events = await send(page, "오늘 면접에서 떨어졌어. 너무 슬프고 속상해");
  assert.ok(deltas(events) >= 2, `the reply came in pieces:\n${events}`);
  assert.ok(events.indexOf("event: emotion") < events.indexOf("event: delta"), "the emotion comes before the text");
  const during = await seen(page);
  assert.ok(during.disabled, "the send button was disabled while the reply streamed");
  assert.ok(during.busy, "the log was aria-busy while the reply streamed");
  assert.ok(during.streaming, "the reply was shown while it streamed");
  assert.equal(await page.locator("#send").isDisabled(), false, "and enabled again after");

  const me = page.locator(".msg.me").last();
  const bot = page.locator(LAST_BOT);
  assert.match(await me.innerText(), /면접에서 떨어졌어/);
  const [mine, theirs] = [await me.boundingBox(), await bot.boundingBox()];
  assert.ok(mine.x + mine.width > theirs.x + theirs.width && mine.x > theirs.x, "mine on the right, the bot's on the left");

  const chip = bot.locator(".chip");
  const bubble = bot.locator(".bubble");
  assert.match(await chip.locator(".name").innerText(), /^#\S+( · \S+)?$/u, "the tag the reader decided on");
  assert.match(await chip.textContent(), /^읽은 감정: \p{Extended_Pictographic}/u, "named for screen readers, with its emoji");
  assert.doesNotMatch(await chip.textContent(), /%|\d/, "no percentage");
  const [chipBox, bubbleBox] = await bot.evaluate((msg) =>
    [".chip", ".bubble"].map((part) => msg.querySelector(part).getBoundingClientRect().toJSON()),
  );
  assert.ok(chipBox.bottom <= bubbleBox.top + 1, `the chip sits above the reply: ${JSON.stringify([chipBox, bubbleBox])}`);
  assert.ok((await bubble.innerText()).trim().length > 5);

  const notice = bot.locator("section.notice");
  assert.ok(await notice.isVisible(), "the notice is a card");
  assert.match(await notice.getByRole("heading").innerText(), /저장 안내/);
  assert.ok(await notice.getByRole("button", { name: /동의|Accept/ }).isVisible());
  // Nothing is stored before consent: no 🔄 👍 👎 yet.
  assert.equal(await page.locator(".actions .btn").count(), 0);
  await shot(page, "web-chat-notice.png");
});

test("accepting the notice card", async () => {
  const before = await page.locator(".msg.bot").count();
  await page.locator("section.notice").getByRole("button", { name: /동의|Accept/ }).click();
  await settled(page);
  assert.equal(await page.locator(".msg.bot").count(), before + 1);
  assert.match(await page.locator(LAST_BOT).innerText(), /고마워|기억/);
  assert.equal(await page.locator("section.notice").count(), 0, "the card is gone once accepted");
  assert.equal(await page.evaluate(() => document.activeElement.id), "text", "focus goes back to the message box");
});

let firstReply;

test("a stored reply: streamed, tagged, with 🔄 👍 👎 and 🤔 under it", async () => {
  const events = await send(page, "친구가 내 생일을 잊어버려서 너무 서운하고 화가 나");
  assert.ok(deltas(events) >= 2, events);
  const bot = page.locator(LAST_BOT);
  assert.match(await bot.locator(".chip").innerText(), /#\S+/u);
  const bar = bot.locator(".actions");
  for (const name of [/다시 답하기/, /좋았어/, /별로였어/, /느낌이 달라/]) {
    assert.ok(await bar.getByRole("button", { name }).isVisible(), String(name));
  }
  assert.ok(await bot.getAttribute("data-turn"));
  firstReply = (await bot.locator(".bubble").innerText()).trim();
});

test("🔄 writes a new reply in the old one's place", async () => {
  const count = await page.locator(".msg.bot").count();
  const bot = page.locator(LAST_BOT);
  const turn = await bot.getAttribute("data-turn");
  const response = page.waitForResponse((r) => r.url().endsWith("/v1/chat/action"));
  await bot.getByRole("button", { name: /다시 답하기/ }).click();
  const events = await (await response).text();
  await settled(page);
  assert.ok(deltas(events) >= 2, events);
  assert.equal(await page.locator(".msg.bot").count(), count, "no new message: the reply is replaced");
  const again = page.locator(LAST_BOT);
  assert.equal(await again.getAttribute("data-turn"), turn);
  const reply = (await again.locator(".bubble").innerText()).trim();
  assert.ok(reply.length > 5);
  assert.notEqual(reply, firstReply, "a different reply");
  assert.match(await again.locator(".chip").innerText(), /#\S+/u);
  assert.ok(await again.getByRole("button", { name: /다시 답하기/ }).isVisible());
  assert.equal(await page.evaluate(() => document.activeElement.dataset.kind), "r", "focus stays on 🔄");
});

test("👍 is answered under the reply and stays pressed", async () => {
  const bot = page.locator(LAST_BOT);
  const up = bot.getByRole("button", { name: /좋았어/ });
  await up.click();
  await settled(page);
  await page.waitForFunction(() => document.querySelector(".said")?.textContent);
  assert.equal(await up.getAttribute("aria-pressed"), "true");
  assert.equal(await bot.getByRole("button", { name: /별로였어/ }).getAttribute("aria-pressed"), "false");
  assert.match(await bot.locator(".said").innerText(), /고마워/);
});

test("🤔 not how I feel: pick a group, then the emotion; the chip shows the correction", async () => {
  const bot = page.locator(LAST_BOT);
  await bot.getByRole("button", { name: /느낌이 달라/ }).click();
  const picker = bot.locator(".picker");
  await picker.getByRole("button", { name: /슬픔/ }).click();
  await picker.getByRole("button", { name: /그냥 슬픔/ }).click();
  await page.waitForFunction(() => document.querySelector(".chip .corrected"));
  assert.match(await bot.locator(".chip").innerText(), /#슬픔/);
  assert.match(await picker.innerText(), /고마워/);
  await picker.getByRole("button", { name: "닫기" }).click();
  assert.equal(await bot.locator(".picker").count(), 0);
});

test("🔄 👍 👎 only under the latest reply", async () => {
  await send(page, "매년 나만 챙기는 것 같아서 더 화가 나");
  const bots = page.locator(".msg.bot");
  const last = (await bots.count()) - 1;
  assert.equal(await page.locator(".actions").count(), 1);
  assert.equal(await page.getByRole("button", { name: /좋았어/ }).count(), 1);
  assert.equal(await page.getByRole("button", { name: /별로였어/ }).count(), 1);
  assert.equal(await page.getByRole("button", { name: /다시 답하기/ }).count(), 1);
  assert.equal(await bots.nth(last).locator(".actions").count(), 1, "under the newest reply");
  await noHorizontalScroll(page);
  await shot(page, "web-chat.png");
});

test("the keyboard reaches the buttons with a visible focus ring", async () => {
  await page.getByLabel("마음에게 보낼 메시지").fill("안녕");
  await page.getByLabel("마음에게 보낼 메시지").focus();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => ({
    id: document.activeElement.id,
    outline: getComputedStyle(document.activeElement).outlineStyle,
    width: parseFloat(getComputedStyle(document.activeElement).outlineWidth),
  }));
  assert.equal(focused.id, "send");
  assert.equal(focused.outline, "solid");
  assert.ok(focused.width >= 2);
  await page.keyboard.press("Enter");
  await settled(page);
  assert.match(await page.locator(".msg.me").last().innerText(), /안녕$/, "Enter on the focused send button sends");
});

test("a failing server is shown as clear error text, and sending again works", async () => {
  await page.route("**/v1/chat", (route) =>
    route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ error: "the store is down" }) }),
  );
  await page.getByLabel("마음에게 보낼 메시지").fill("오늘 하루 어땠는지 들어 줄래?");
  await page.getByLabel("마음에게 보낼 메시지").press("Enter");
  const alert = page.locator(LAST_BOT).getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.innerText(), /HTTP 500.*the store is down/);
  assert.equal(await page.locator("#send").isDisabled(), false);
  await page.unroute("**/v1/chat");
  await page.locator(LAST_BOT).getByRole("button", { name: /다시 보내기/ }).click();
  await settled(page);
  const bot = page.locator(LAST_BOT);
  assert.equal(await bot.getByRole("alert").count(), 0);
  assert.ok((await bot.locator(".bubble").innerText()).trim().length > 5);
  assert.deepEqual(problems.filter((p) => !p.includes("500")), []);
});

test("a message read as a crisis gets the crisis lines as a card of their own", async () => {
  await send(page, "요즘 너무 힘들어서 그냥 죽고 싶다는 생각만 들어");
  const crisis = page.locator(LAST_BOT).locator("section.crisis");
  assert.ok(await crisis.isVisible());
  assert.equal(await crisis.getAttribute("role"), "note");
  assert.match(await crisis.innerText(), /109/);
  assert.notEqual(await crisis.innerText(), await page.locator(LAST_BOT).locator(".bubble").innerText());
});

test("a phone in the dark: a dark theme, no horizontal scroll", async () => {
  const phone = await open({
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: "dark",
  });
  const colours = await phone.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    text: getComputedStyle(document.body).color,
  }));
  assert.ok(luminance(colours.background) < 0.2, `a dark background: ${colours.background}`);
  assert.ok(luminance(colours.text) > 0.8, `light text: ${colours.text}`);
  await noHorizontalScroll(phone);
  await send(phone, "요즘 회사 일이 너무 많아서 불안하고 잠을 못 자");
  await phone.locator("section.notice").getByRole("button", { name: /동의|Accept/ }).click();
  await settled(phone);
  await send(phone, "시험 결과가 좋게 나와서 정말 기뻐!");
  assert.match(await phone.locator(LAST_BOT).locator(".chip").innerText(), /#\S+/u);
  await noHorizontalScroll(phone);
  const composer = await phone.locator("#composer").boundingBox();
  assert.ok(composer.y + composer.height <= 740 + 1, "the message box stays on screen");
  await shot(phone, "web-chat-dark-phone.png");
  await phone.context().close();
  assert.deepEqual(problems.filter((p) => !p.includes("500")), []);
});
