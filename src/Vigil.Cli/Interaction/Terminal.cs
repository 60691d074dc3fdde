namespace Vigil.Cli.Interaction;

/// <summary>
/// Whether a person is watching: live progress and confirmation questions are for a terminal, never
/// for a pipe or a log. Tests stand in for a terminal with <see cref="Simulate"/>, which holds for the
/// calling flow only (an <see cref="AsyncLocal{T}"/>), so tests running in parallel do not see it.
/// </summary>
internal static class Terminal
{
    private static readonly AsyncLocal<Simulated?> Current = new();

    /// <summary>True when standard error is a terminal: progress may redraw one line in place.</summary>
    public static bool ErrorIsInteractive => Current.Value?.Interactive ?? !Console.IsErrorRedirected;

    /// <summary>True when standard output is a terminal: what is written there should be flushed line by line.</summary>
    public static bool OutputIsInteractive => Current.Value?.Interactive ?? !Console.IsOutputRedirected;

    /// <summary>True when someone can answer a question: standard input and standard error are both a terminal.</summary>
    public static bool CanAsk => Current.Value?.Interactive ?? (!Console.IsInputRedirected && !Console.IsErrorRedirected);

    /// <summary>Where answers are read from.</summary>
    public static TextReader Input => Current.Value?.Input ?? Console.In;

    /// <summary>Behaves as a terminal (or as a pipe) until disposed, answering questions from <paramref name="input"/>.</summary>
    public static IDisposable Simulate(bool interactive, TextReader? input = null)
    {
        var previous = Current.Value;
        Current.Value = new Simulated(interactive, input ?? TextReader.Null);
        return new Restore(previous);
    }

    /// <summary>
    /// Asks <paramref name="question"/> on <paramref name="error"/> and reads one line; null at end of input.
    /// </summary>
    public static string? Ask(TextWriter error, string question)
    {
        error.Write(question);
        error.Flush();
        return Input.ReadLine();
    }

    private sealed record Simulated(bool Interactive, TextReader Input);

    private sealed class Restore(Simulated? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
