namespace Vigil.Cli;

/// <summary>Process exit codes, part of the CLI contract.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Some input failed (the others were still processed).</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
}
