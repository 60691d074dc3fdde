namespace Vigil.Cli.Hashing;

/// <summary>The one way decoder warnings are printed: <c>warning: PATH: MESSAGE</c> on standard error, one line each.</summary>
internal static class DecoderWarnings
{
    public static void Write(TextWriter error, string path, IReadOnlyList<string> warnings)
    {
        foreach (string warning in warnings)
            error.WriteLine($"warning: {path}: {warning}");
    }
}
