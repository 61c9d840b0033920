// Kayenta's template expansion and PromQL building (docs/kayenta-rules.md §2.3, §6), including its quirks.
import { describe, expect, it } from "vitest";
import type { CanaryConfig } from "../../src/config/canary-config.schema";
import type { MetricScope } from "../../src/analysis/ports/metric-source";
import { QueryBuildError } from "../../src/metrics/metric-source-error";
import { buildPrometheusQuery, type PromQueryFields } from "../../src/metrics/prometheus-query";
import {
  chooseTemplate,
  expandCustomFilter,
  expandTemplate,
  templateBindings,
  TemplateError,
  unescapeTemplate,
} from "../../src/metrics/template";

const cfg = (templates?: Record<string, string>): Pick<CanaryConfig, "templates"> =>
  templates ? { templates } : {};
const scope: MetricScope = { scope: "myapp-canary", location: "prod" };

describe("chooseTemplate", () => {
  it("prefers a non-empty inline template over a named one", () => {
    expect(
      chooseTemplate(cfg({ t: "named" }), { customInlineTemplate: "inline", customFilterTemplate: "t" }),
    ).toBe("inline");
    expect(chooseTemplate(cfg({ t: "named" }), { customInlineTemplate: "", customFilterTemplate: "t" })).toBe(
      "named",
    );
    expect(chooseTemplate(cfg(), {})).toBeUndefined();
  });

  it("names a missing template and the templates there are", () => {
    expect(() => chooseTemplate(cfg(), { customFilterTemplate: "x" })).toThrow(
      "Custom filter template 'x' was referenced, but no templates were defined.",
    );
    expect(() => chooseTemplate(cfg({ a: "1", b: "2" }), { customFilterTemplate: "x" })).toThrow(
      "Custom filter template 'x' was not found (templates: a, b).",
    );
  });
});

describe("expandTemplate (commons-text StringSubstitutor semantics)", () => {
  const b = { scope: "s", location: "l", a: "${b}", b: "B", loop: "${loop2}", loop2: "${loop}" };
  it("substitutes ${var}, defaults and escapes", () => {
    expect(expandTemplate('app="${scope}",ns="${location}"', b)).toBe('app="s",ns="l"');
    expect(expandTemplate("${missing:-fallback}-${scope:-x}", b)).toBe("fallback-s");
    expect(expandTemplate("$${scope} stays, ${scope} goes", b)).toBe("${scope} stays, s goes");
    expect(expandTemplate("no variables, {braces} and $ signs", b)).toBe(
      "no variables, {braces} and $ signs",
    );
  });

  it("expands values recursively and rejects cycles", () => {
    expect(expandTemplate("${a}", b)).toBe("B");
    expect(() => expandTemplate("${loop}", b)).toThrow(
      "infinite loop in variable 'loop' (loop → loop2 → loop)",
    );
  });

  it("rejects an unknown variable, naming it and the known ones", () => {
    let caught: unknown;
    try {
      expandTemplate('app="${scope}",zone="${zone}"', { scope: "s", location: "l" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).variable).toBe("zone");
    expect((caught as TemplateError).message).toMatchInlineSnapshot(
      `"Problem evaluating custom filter template: unknown variable '\${zone}' (known: location, scope)"`,
    );
  });

  it("unescapes Kayenta's $\\{ before expanding", () => {
    expect(unescapeTemplate('app="$\\{scope}"')).toBe('app="${scope}"');
    expect(expandCustomFilter(cfg(), { customInlineTemplate: 'app="$\\{scope}"' }, scope)).toBe(
      'app="myapp-canary"',
    );
  });
});

describe("templateBindings", () => {
  it("binds non-empty scope properties, the query's resourceType, then extendedScopeParams overriding", () => {
    expect(templateBindings({ scope: "s", location: "" })).toEqual({ scope: "s" });
    expect(
      templateBindings(
        {
          scope: "s",
          location: "l",
          extendedScopeParams: { project: "p", scope: "override", namespace: "ns" },
        },
        { resourceType: "gce_instance" },
      ),
    ).toEqual({
      project: "p",
      scope: "override",
      location: "l",
      resourceType: "gce_instance",
      namespace: "ns",
    });
  });
});

describe("buildPrometheusQuery (docs/kayenta-rules.md §6)", () => {
  const build = (q: PromQueryFields, s: MetricScope = scope, templates?: Record<string, string>) =>
    buildPrometheusQuery(cfg(templates), q, s, "m");

  it("builds Kayenta's documented example", () => {
    expect(
      build(
        {
          metricName: "http_requests_total",
          customFilterTemplate: "by-scope",
          labelBindings: ['status=~"5.."'],
        },
        scope,
        { "by-scope": 'app="${scope}",namespace="${location}"' },
      ),
    ).toBe('avg(http_requests_total{app="myapp-canary",namespace="prod",status=~"5.."})');
  });

  it("keeps the whitespace of the naive comma split and adds by (groupByFields)", () => {
    expect(
      build({ metricName: "x", customInlineTemplate: "a='${scope}', b='y'", groupByFields: ["pod", "zone"] }),
    ).toBe("avg(x{a='myapp-canary', b='y'}) by (pod,zone)");
  });

  it("uses PromQL: verbatim, ignoring metricName, labelBindings and groupByFields", () => {
    expect(
      build({
        metricName: "ignored",
        labelBindings: ["a=1"],
        groupByFields: ["x"],
        customInlineTemplate: 'PromQL:sum(rate(reqs{app="${scope}"}[1m]))',
      }),
    ).toBe('sum(rate(reqs{app="myapp-canary"}[1m]))');
  });

  it("builds the gce_instance and aws_ec2_instance matchers", () => {
    expect(
      build(
        { metricName: "cpu", resourceType: "gce_instance" },
        { scope: "myapp-v001", location: "us-central1", extendedScopeParams: { project: "proj" } },
      ),
    ).toBe('avg(cpu{instance=~"myapp-v001-.{4}",zone=~".+/projects/proj/zones/us-central1-.{1}"})');
    expect(
      build(
        { metricName: "cpu", resourceType: "aws_ec2_instance", labelBindings: ['mode="user"'] },
        { scope: "asg-v002", location: "us-east-1" },
      ),
    ).toBe('avg(cpu{mode="user",asg_groupName="asg-v002",zone=~"us-east-1.{1}"})');
    expect(
      build(
        { metricName: "cpu" },
        { scope: "asg", location: "eu-west-1", extendedScopeParams: { resourceType: "aws_ec2_instance" } },
      ),
    ).toBe('avg(cpu{asg_groupName="asg",zone=~"eu-west-1.{1}"})');
  });

  it("explains what is missing", () => {
    const messages = [
      () => build({ customInlineTemplate: 'app="${scope}"' }),
      () => build({ metricName: "x" }),
      () => build({ metricName: "x", resourceType: "k8s_pod" }),
      () => build({ metricName: "x", resourceType: "gce_instance" }, { scope: "s" }),
      () => build({ metricName: "x", customInlineTemplate: 'app="${app}"' }),
    ].map((f) => {
      try {
        f();
        return "no error";
      } catch (err) {
        expect(err).toBeInstanceOf(QueryBuildError);
        return (err as Error).message;
      }
    });
    expect(messages).toMatchInlineSnapshot(`
      [
        "metric 'm': metricName is required unless the custom filter starts with 'PromQL:'",
        "metric 'm': Either a resource type or a custom filter is required (set customInlineTemplate, customFilterTemplate or resourceType).",
        "metric 'm': There is no explicit support for resourceType 'k8s_pod'. Your best bet is to use a custom filter template (customInlineTemplate).",
        "metric 'm': location is required for resourceType gce_instance",
        "metric 'm': Problem evaluating custom filter template: unknown variable '\${app}' (known: location, scope)",
      ]
    `);
  });
});
