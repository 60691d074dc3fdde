namespace Vigil.Cli.Interaction;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back at once on the reporting thread, one report at a time.
/// (<see cref="Progress{T}"/> posts to the thread pool, so its reports arrive late and out of order.)
/// </summary>
internal sealed class SerialProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    /// <inheritdoc/>
    public void Report(T value)
    {
        lock (_gate)
            report(value);
    }
}
