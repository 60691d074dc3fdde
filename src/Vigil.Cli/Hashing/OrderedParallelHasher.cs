namespace Vigil.Cli.Hashing;

/// <summary>
/// Hashes files on N threads and hands the results back strictly in input order, as soon as each
/// one and all before it are done. Parallelism is across files; each worker owns its hasher.
/// </summary>
internal static class OrderedParallelHasher
{
    public static void Run(IReadOnlyList<InputFile> inputs, int threads, Func<FileHasher> createHasher,
        Action<HashRecord> onResult, Action<FileHasher>? onWorkerDone = null)
    {
        if (threads <= 1 || inputs.Count <= 1)
        {
            using var hasher = createHasher();
            foreach (var input in inputs)
                onResult(hasher.Hash(input));
            onWorkerDone?.Invoke(hasher);
            return;
        }

        var results = new HashRecord?[inputs.Count];
        var gate = new object();
        int next = -1;
        Exception? failure = null;
        var workers = new Thread[Math.Min(threads, inputs.Count)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(() =>
            {
                try
                {
                    using var hasher = createHasher();
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < inputs.Count)
                    {
                        var record = hasher.Hash(inputs[i]);
                        lock (gate)
                        {
                            results[i] = record;
                            Monitor.PulseAll(gate);
                        }
                    }
                    lock (gate)
                        onWorkerDone?.Invoke(hasher);
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        failure ??= e;
                        Monitor.PulseAll(gate);
                    }
                }
            })
            { IsBackground = true, Name = $"vigil-hash-{w}" };
            workers[w].Start();
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            HashRecord record;
            lock (gate)
            {
                while (results[i] is null && failure is null)
                    Monitor.Wait(gate);
                if (failure is not null)
                    throw new InvalidOperationException("a hashing worker failed", failure);
                record = results[i]!;
                results[i] = null; // let it go once written
            }
            onResult(record);
        }
        foreach (var worker in workers)
            worker.Join();
    }
}
