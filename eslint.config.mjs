// ESLint: type-aware TypeScript rules, plus the architecture's arrows (pure core, deterministic orchestration).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeBuiltins = [
  "fs",
  "path",
  "http",
  "https",
  "net",
  "os",
  "child_process",
  "crypto",
  "dns",
  "stream",
  "url",
  "zlib",
  "worker_threads",
  "timers",
];
const pureImports = {
  patterns: [
    {
      group: ["node:*", ...nodeBuiltins, ...nodeBuiltins.map((m) => `${m}/*`)],
      message: "No Node I/O in pure code.",
    },
    { group: ["@azure/*", "durable-functions", "axios"], message: "No SDKs in pure code: use a port." },
    {
      group: [
        "**/metrics/*",
        "**/store/*",
        "**/notify/*",
        "**/runtime/*",
        "**/http/*",
        "**/cli/*",
        "**/report/*",
      ],
      message: "Pure code imports only judge/ and config/.",
    },
  ],
};
const noClock = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: "No clock in pure or orchestrator code (use context.df.currentUtcDateTime).",
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: "No randomness in pure or orchestrator code.",
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: "No clock in pure or orchestrator code.",
  },
];

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "test/fixtures/**",
      "docs/**",
      "coverage/**",
      "test-artifacts/**",
      "bin/**",
      "eslint.config.mjs",
      "vitest.config.mts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["src/judge/**/*.ts", "src/config/**/*.ts"],
    rules: { "no-restricted-imports": ["error", pureImports], "no-restricted-syntax": ["error", ...noClock] },
  },
  {
    // The core: it owns its ports (src/analysis/ports/) and never sees an adapter or the composition roots (src/app/).
    files: ["src/analysis/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: pureImports.patterns
            .filter((p) => !p.group.includes("durable-functions") && !p.group.includes("**/metrics/*"))
            .concat([
              {
                group: [
                  "**/metrics/*",
                  "**/store/*",
                  "**/notify/*",
                  "**/runtime/*",
                  "**/http/*",
                  "**/cli/*",
                  "**/report/*",
                  "**/app/*",
                ],
                message:
                  "analysis/ owns its ports (analysis/ports/) and never imports an adapter or src/app/ (docs/architecture.md).",
              },
              {
                group: [
                  "node:*",
                  ...nodeBuiltins,
                  "@azure/storage-blob",
                  "@azure/data-tables",
                  "@azure/identity",
                  "axios",
                ],
                message: "The core does no I/O: it goes through a port.",
              },
            ]),
        },
      ],
      "no-restricted-syntax": ["error", ...noClock],
    },
  },
);
