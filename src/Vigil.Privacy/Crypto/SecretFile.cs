namespace Vigil.Privacy.Crypto;

/// <summary>Key files: created once, readable and writable by their owner only, never overwritten.</summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="bytes"/> to a new file at <paramref name="path"/> (mode 0600); fails if it exists.</summary>
    public static async Task WriteNewAsync(string path, byte[] bytes, CancellationToken cancellationToken = default)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new FileStream(path, options);
        await file.WriteAsync(bytes, cancellationToken);
        file.Flush(flushToDisk: true);
    }
}
