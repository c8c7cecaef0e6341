// What an answer rests on, as the Apple and Classify panels show it: each character tinted by how
// hard it pushed the answer (gradient × input from the engine's saliency()), and the strongest
// pushes each way in words for those who do not see the tints.
import { t } from '../i18n.js';
import { el, markZh, showChar } from '../shared/dom.js';

const AGAINST_RGB = [91, 101, 117];  // grey

/**
 * Fills box with text's characters tinted by g (one push per character): in rgb where it pushes
 * towards the answer called label, grey where against, scaled to the strongest push outside the
 * characters skip(i) marks (e.g. the mention itself, which would wash out the context); those
 * are underlined and left out of the words. nothing: what words say when no character pushes for it.
 */
export function renderPushes(box, words, text, g, { rgb, label, skip = () => false, nothing }) {
  const chars = Array.from(text);
  const outside = Array.from(g, Math.abs).filter((_, i) => !skip(i));
  const scale = Math.max(1e-12, ...(outside.length ? outside : Array.from(g, Math.abs)));
  chars.forEach((c, i) => {
    const k = Math.max(-1, Math.min(1, g[i] / scale));
    const span = el('span', { textContent: c, dataset: { g: String(g[i]) } });
    const [r, gg, b] = k >= 0 ? rgb : AGAINST_RGB;
    span.style.backgroundColor = `rgba(${r}, ${gg}, ${b}, ${(0.45 * Math.abs(k)).toFixed(3)})`;
    if (skip(i)) span.className = 'mention';
    const push = { pct: Math.abs(100 * k).toFixed(0), label };
    span.title = k >= 0 ? t('{pct}% of the strongest push (for {label})', push) : t('{pct}% of the strongest push (against {label})', push);
    box.append(span);
  });
  const ranked = chars.map((c, i) => ({ c, g: g[i], i })).filter((x) => !skip(x.i) && x.c.trim());
  const strongest = (sign) => ranked.filter((x) => sign * x.g > 0).sort((a, b) => sign * (b.g - a.g)).slice(0, 3)
    .map((x) => t('“{char}” (character {pos})', { char: showChar(x.c), pos: x.i + 1 }));
  const pro = strongest(1), con = strongest(-1);
  const said = { label, pro: pro.join(', ') || nothing, con: con.join(', ') };
  words.replaceChildren(...markZh(con.length ? t('Pushed hardest towards {label}: {pro}; against: {con}.', said) : t('Pushed hardest towards {label}: {pro}.', said)));
}
