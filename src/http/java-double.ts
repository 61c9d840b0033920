// Java's Double.toString text for a double (Kayenta's canaryScoreMessage formats scores with it: 100 → "100.0").

/**
 * Java (JLS / Double.toString): NaN, Infinity; 10^-3 <= |x| < 10^7 → plain decimal with at least one
 * digit after the point; otherwise computerized scientific notation "d.dddE±n" with at least one
 * fraction digit. The shortest round-trip digits are used (Java 19+, JDK-4511638; earlier JDKs
 * sometimes printed one more digit).
 */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = abs.toFixed(20).replace(/0+$/, "");
    // toFixed(20) is exact-binary; prefer JS's shortest form when it is plain decimal.
    const shortest = String(abs);
    const text = /e/i.test(shortest) ? plain : shortest;
    return `${x < 0 ? "-" : ""}${text.includes(".") ? text.replace(/\.$/, ".0") : `${text}.0`}`;
  }
  const [mantissa, exponent] = abs.toExponential().split("e") as [string, string];
  const m = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${x < 0 ? "-" : ""}${m}E${Number(exponent)}`;
}
