// `coalmine serve` as its own process (the restart test kills it): node --import tsx test/helpers/serve-process.ts serve …
import { main } from "../../src/cli/main";

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
