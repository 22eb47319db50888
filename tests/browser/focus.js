// How the focused control shows, from its computed styles and where it sits (WCAG 2.2: 1.4.3,
// 1.4.11 and 2.4.11). Read by tests/browser/test_keyboard.py.

const rgb = value => {
  const found = value.match(/rgba?\(([^)]+)\)/);
  if (!found) return null;
  const [r, g, b, a = 1] = found[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return {r, g, b, a};
};

const luminance = colour => {
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b);
};

const contrast = (a, b) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
};

// The colour behind an element: the first background that is not see-through, else white.
const backgroundOf = start => {
  for (let e = start; e; e = e.parentElement) {
    const colour = rgb(getComputedStyle(e).backgroundColor);
    if (colour && colour.a === 1) return colour;
  }
  return {r: 255, g: 255, b: 255, a: 1};
};

const textContrast = e => contrast(rgb(getComputedStyle(e).color), backgroundOf(e));

const px = value => parseFloat(value) || 0;

// The focus ring as bands of colour from the element outwards: its outline, then each
// box-shadow that shows beyond it. `reach` is how far the ring goes past the element's box.
const ringOf = style => {
  const bands = [];
  let reach = 0;
  if (style.outlineStyle !== "none" && px(style.outlineWidth)) {
    bands.push({colour: rgb(style.outlineColor), width: px(style.outlineWidth)});
    reach = px(style.outlineWidth) + Math.max(px(style.outlineOffset), 0);
  }
  const shadows = style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\))/);
  for (const shadow of shadows) {
    const lengths = shadow.replace(/rgba?\([^)]*\)/, "").trim().split(/\s+/).map(px);
    const [x, y, blur, spread = 0] = lengths;
    if (shadow.includes("inset") || x || y || blur || spread <= reach) continue;
    bands.push({colour: rgb(shadow), width: spread - reach});
    reach = spread;
  }
  return {bands, reach};
};

const inside = (a, b) =>
  a.left >= b.left - 0.5 && a.top >= b.top - 0.5 && a.right <= b.right + 0.5 && a.bottom <= b.bottom + 0.5;
const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

// Every sticky or fixed part of the page, found again only when the page changes.
const stuckParts = () => {
  const all = document.body.getElementsByTagName("*");
  if (window.stuck && window.stuck.size === all.length) return window.stuck.parts;
  const parts = [...all].filter(e => ["sticky", "fixed"].includes(getComputedStyle(e).position));
  window.stuck = {size: all.length, parts};
  return parts;
};

// What is wrong with how the focused element shows; null when nothing is focused. `id` tells
// one focused element from the next.
const focusProblems = () => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  window.focusIds = window.focusIds || new WeakMap();
  if (!window.focusIds.has(e)) window.focusIds.set(e, (window.focusCount = (window.focusCount || 0) + 1));
  const label = (e.innerText || e.value || e.id || "").trim().replace(/\s+/g, " ").slice(0, 50);
  const problems = [];
  const style = getComputedStyle(e);

  // A ring band at least 2 px wide that stands 3:1 against the colour around the element.
  const {bands, reach} = ringOf(style);
  const around = backgroundOf(e.parentElement);
  const ring = Math.max(0, ...bands
    .filter(band => band.width >= 2 && band.colour.a === 1)
    .map(band => contrast(band.colour, around)));
  if (ring < 3) problems.push(`its focus ring is ${ring.toFixed(2)}:1 against what is around it`);
  if (e.innerText && e.innerText.trim() && textContrast(e) < 4.5) {
    problems.push(`its text is ${textContrast(e).toFixed(2)}:1 when focused`);
  }

  // The element with its ring: inside the window and every box that clips it, and under no
  // sticky or fixed part. What is bigger than the window (the table's scrolling region) need
  // only be in view.
  const box = e.getBoundingClientRect();
  const shown = {
    left: box.left - reach, top: box.top - reach, right: box.right + reach, bottom: box.bottom + reach,
  };
  const big = shown.right - shown.left > innerWidth || shown.bottom - shown.top > innerHeight;
  const fits = area => big ? meets(shown, area) : inside(shown, area);
  if (!fits({left: 0, top: 0, right: innerWidth, bottom: innerHeight})) {
    problems.push("it is not wholly in the window");
  }
  for (let clip = e.parentElement; clip && clip !== document.documentElement; clip = clip.parentElement) {
    const overflow = getComputedStyle(clip);
    if (overflow.overflowX === "visible" && overflow.overflowY === "visible") continue;
    const at = clip.getBoundingClientRect();
    const left = at.left + clip.clientLeft, top = at.top + clip.clientTop;
    if (!fits({left, top, right: left + clip.clientWidth, bottom: top + clip.clientHeight})) {
      problems.push(`it is cut off by .${clip.className || clip.tagName}`);
    }
  }
  for (const part of stuckParts()) {
    if (part.contains(e) || e.contains(part)) continue;
    const at = part.getBoundingClientRect();
    if (at.width && at.height && meets(shown, at)) {
      problems.push(`it is under the held "${part.innerText.trim().slice(0, 30)}"`);
    }
  }
  return {id: window.focusIds.get(e), name: `${e.tagName.toLowerCase()} "${label}"`, problems};
};
