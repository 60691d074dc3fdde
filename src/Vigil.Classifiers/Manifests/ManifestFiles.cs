using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Vigil.Classifiers.Manifests;

/// <summary>Reading a manifest file, for every kind of manifest: missing, too large, unreadable, not JSON or null is one error naming the file.</summary>
internal static class ManifestFiles
{
    /// <summary>Manifests larger than this are not manifests.</summary>
    private const int MaxBytes = 1 << 20;

    /// <summary>The file's bytes and the directory its relative paths start from.</summary>
    /// <exception cref="ClassifierManifestException">Missing, too large or unreadable.</exception>
    public static (byte[] Json, string Directory) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new ClassifierManifestException($"{path}: no such manifest");
            if (info.Length > MaxBytes)
                throw new ClassifierManifestException($"{path}: {info.Length:N0} bytes is too large for a manifest");
            return (File.ReadAllBytes(path), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClassifierManifestException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The manifest in <paramref name="json"/>; <paramref name="name"/> names it in errors, <paramref name="kind"/> says what it should be.</summary>
    /// <exception cref="ClassifierManifestException">Not JSON of that shape, or null.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string name, string kind) where T : class
    {
        T? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException e)
        {
            throw new ClassifierManifestException($"{name}: not a valid {kind}: {e.Message}", e);
        }
        return manifest ?? throw new ClassifierManifestException($"{name}: the manifest is null");
    }
}
