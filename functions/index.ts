// Azure Functions entry: loading this module registers every function of the app (see the modules below).
import "./orchestration";
import "./http";
import "./timers";
export {};
