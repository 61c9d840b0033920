// The `html` tagged template: values escaped unless marked raw, lists joined, nothing rendered as "".
import { describe, expect, it } from "vitest";
import { html, joinHtml, raw } from "../../src/report/html";
import { renderIndex } from "../../src/report/render-index";

describe("html", () => {
  it("escapes interpolated text, in content and in attributes", () => {
    const name = `<script>alert("x")</script> & 'y'`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>`,
    );
  });

  it("inserts Html and raw markup as is, joins lists and drops nothing-values", () => {
    const items = ["a<b", "c"].map((t) => html`<li>${t}</li>`);
    // (Prettier lays out html`` templates; whitespace between tags is not what is tested.)
    const tight = (text: string) => text.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
    expect(
      tight(
        html`<ul>
          ${items}
        </ul>`.text,
      ),
    ).toBe("<ul><li>a&lt;b</li><li>c</li></ul>");
    expect(html`${undefined}${null}${false}${0}`.text).toBe("0");
    expect(html`<div>${raw("<svg/>")}</div>`.text).toBe("<div><svg/></div>");
    expect(joinHtml([html`<b>1</b>`, html`<b>2</b>`], ", ").text).toBe("<b>1</b>, <b>2</b>");
  });

  it("keeps hostile names inert on the index page", () => {
    const page = renderIndex(
      [
        {
          id: "01J",
          application: `<img src=x onerror="alert(1)">`,
          state: "passed",
          verdict: "pass",
          score: 100,
          createdAt: "2026-01-01T00:00:00Z",
          updatedAt: "2026-01-01T00:00:00Z",
          reportUrl: `/api/analyses/01J/report"><script>`,
        },
      ],
      "2026-01-01T00:00:00Z",
    );
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<script>");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});
