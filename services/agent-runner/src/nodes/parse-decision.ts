export type Decision = 'Approve' | 'Reject' | 'Review';

const WORDS: Record<Decision, RegExp> = {
  Approve: /\b(approve[ds]?|approval|accept(?:ed)?)\b/i,
  Reject: /\b(reject(?:ed|s)?|rejection|den(?:y|ied)|decline[ds]?)\b/i,
  Review: /\b(review|escalate[ds]?|manual check)\b/i,
};
// a negation at most two words before the decision word, in the same clause
const NEGATION = /\b(not|cannot|can't|won't|wouldn't|shouldn't|don't|never|no reason to|unable to)\s+(?:[\w'-]+\s+){0,2}$/i;

/**
 * Reads the decision out of an agent's answer. An explicit `Decision: X` wins; otherwise the
 * decision words count only where they are not negated ("I cannot approve this" is not Approve).
 * Anything ambiguous is Review, with low confidence.
 */
export function parseDecision(text: string): { decision: Decision; confidence: number } {
  const explicit = /\bdecision\s*[:-]?\s*\**\s*(approve|reject|review)\b/i.exec(text);
  const confidence = parseConfidence(text);
  if (explicit?.[1]) return { decision: capitalise(explicit[1]), confidence: confidence ?? 0.9 };

  const found = new Set<Decision>();
  for (const sentence of text.split(/(?<=[.!?;,])\s+/)) {
    for (const decision of Object.keys(WORDS) as Decision[]) {
      const match = WORDS[decision].exec(sentence);
      if (match && !NEGATION.test(sentence.slice(0, match.index))) found.add(decision);
    }
  }
  if (found.size === 1) {
    const [only] = [...found] as [Decision];
    return { decision: only, confidence: confidence ?? (only === 'Review' ? 0.8 : 0.75) };
  }
  return { decision: 'Review', confidence: confidence ?? 0.5 };
}

function parseConfidence(text: string): number | undefined {
  const m = /confidence\s*(?:[:=]|of|is)?\s*(\d+(?:\.\d+)?)\s*(%?)/i.exec(text);
  if (!m?.[1]) return undefined;
  const value = Number(m[1]) / (m[2] === '%' || Number(m[1]) > 1 ? 100 : 1);
  return value >= 0 && value <= 1 ? value : undefined;
}

function capitalise(word: string): Decision {
  return (word[0]?.toUpperCase() + word.slice(1).toLowerCase()) as Decision;
}
