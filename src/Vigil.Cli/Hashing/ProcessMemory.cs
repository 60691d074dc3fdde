namespace Vigil.Cli.Hashing;

/// <summary>Resident memory of a process, from /proc (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) of this process in bytes, or null where /proc is not available.</summary>
    public static long? PeakResidentBytes() => StatusBytes("/proc/self/status", "VmHWM:");

    /// <summary>Resident set size (VmRSS) of process <paramref name="pid"/> in bytes, or null once it has gone (or without /proc).</summary>
    public static long? ResidentBytes(int pid) => StatusBytes($"/proc/{pid}/status", "VmRSS:");

    private static long? StatusBytes(string statusPath, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
