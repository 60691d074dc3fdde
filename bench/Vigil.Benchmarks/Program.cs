using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Vigil.Benchmarks.PdqCoreBenchmarks).Assembly).Run(args);
