// The local WebSub hub lives with the benchmarks, which may not import test code; the tests use the same one.
export * from '../../bench/websub-hub.ts';
