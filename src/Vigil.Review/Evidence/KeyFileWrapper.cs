using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Vigil.Review.Evidence;

/// <summary>
/// An <see cref="IKeyWrapper"/> over a master key kept in a file: 256 random bits and the id derived from them.
/// Data keys are wrapped with AES-256-GCM under the master key, with a fresh random nonce each time and the key id
/// as associated data.
/// </summary>
/// <remarks>
/// <para>The file is UTF-8 JSON, created with mode 0600 and never overwritten:</para>
/// <code>
/// {
///   "format": "vigil-vault-master-key",
///   "version": 1,
///   "id": "mk-1f0c9a6e2b7d4c13",
///   "key": "(the 32-byte key in base64)",
///   "created": "2026-12-06T21:30:00Z"
/// }
/// </code>
/// <para><c>format</c> and <c>version</c> say what the file is (version 1 is the only one); <c>id</c> is
/// <c>mk-</c> and the first 8 bytes of SHA-256("vigil vault master key id", key) in hex, checked on load, so a key
/// that was altered or pasted into the wrong file is refused; <c>created</c> is informational. Other fields are
/// ignored. On Unix a file that its group or others may read or write is refused (<c>chmod 600</c>).</para>
/// <para>A wrapped data key is <see cref="WrappedLength"/> bytes: version (1), the 12-byte nonce, the 32 encrypted
/// bytes and the 16-byte tag. Losing the key file loses every item sealed under it: keep a copy offline.</para>
/// <para>Thread-safe. Dispose clears the key from memory.</para>
/// </remarks>
public sealed class KeyFileWrapper : IKeyWrapper, IDisposable
{
    /// <summary>Length of the master key and of the data keys it wraps, in bytes (AES-256).</summary>
    public const int KeyLength = 32;

    /// <summary>The file's <c>format</c> marker.</summary>
    public const string FormatName = "vigil-vault-master-key";

    /// <summary>The file format version written and read.</summary>
    public const int FormatVersion = 1;

    /// <summary>Length of a wrapped data key: version, nonce, encrypted key, tag.</summary>
    public const int WrappedLength = 1 + NonceLength + KeyLength + TagLength;

    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const byte WrapVersion = 1;
    private const int MaxFileBytes = 64 * 1024;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static ReadOnlySpan<byte> IdContext => "vigil vault master key id"u8;
    private static ReadOnlySpan<byte> WrapContext => "vigil.vault.wrap.v1\0"u8;

    /// <summary>The master key, pinned so the GC leaves no stray copies; zeroed on dispose.</summary>
    private readonly byte[] _key;
    private readonly byte[] _associatedData;
    private volatile bool _disposed;

    private KeyFileWrapper(string path, ReadOnlySpan<byte> key)
    {
        Path = path;
        _key = GC.AllocateArray<byte>(KeyLength, pinned: true);
        key.CopyTo(_key);
        KeyId = IdOf(key);
        var id = Encoding.UTF8.GetBytes(KeyId);
        _associatedData = [.. WrapContext, .. id];
    }

    /// <summary>The key's id (<c>mk-</c> and 16 hex digits), stored beside each item sealed under it.</summary>
    public string KeyId { get; }

    /// <summary>The key file's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Writes a new master key (random, from the system's CSPRNG) to a new file at <paramref name="path"/> with mode
    /// 0600 and returns it loaded. The file must not exist.
    /// </summary>
    /// <exception cref="KeyFileException">The file exists (it is never overwritten) or cannot be written.</exception>
    public static KeyFileWrapper Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        Span<byte> key = stackalloc byte[KeyLength];
        byte[]? json = null;
        try
        {
            RandomNumberGenerator.Fill(key);
            json = Serialize(key, DateTimeOffset.UtcNow);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            FileStream file;
            try
            {
                file = new FileStream(full, options);
            }
            catch (IOException) when (File.Exists(full) || Directory.Exists(full))
            {
                throw new KeyFileException($"{full}: already exists; a key file is never overwritten (choose another path, or move the old one away if it is truly unused)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KeyFileException($"{full}: cannot write the key file ({e.Message})", e);
            }
            try
            {
                using (file)
                {
                    file.Write(json);
                    file.Flush(flushToDisk: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A half-written key file must not be mistaken for a key later: it is ours (just created), so it goes.
                File.Delete(full);
                throw new KeyFileException($"{full}: cannot write the key file ({e.Message})", e);
            }
            return new KeyFileWrapper(full, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            if (json is not null)
                CryptographicOperations.ZeroMemory(json);
        }
    }

    /// <summary>Reads the master key file at <paramref name="path"/>.</summary>
    /// <exception cref="KeyFileException">
    /// The file is missing or unreadable, is not a version-1 key file, holds a key that is not 32 bytes or does not
    /// match its id, or (on Unix) may be read or written by its group or others.
    /// </exception>
    public static KeyFileWrapper Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new KeyFileException($"{full}: is a directory, not a master key file");
        if (!File.Exists(full))
            throw new KeyFileException($"{full}: no such master key file (create one with 'vigil review init-key --out FILE')");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(full);
            if ((mode & GroupOrOther) != 0)
            {
                throw new KeyFileException(
                    $"{full}: the master key file may be read or changed by users other than its owner (mode {Octal(mode)}); run 'chmod 600 {full}'");
            }
        }

        byte[] bytes;
        try
        {
            var info = new FileInfo(full);
            if (info.Length > MaxFileBytes)
                throw new KeyFileException($"{full}: not a master key file ({info.Length} bytes, far too large)");
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException($"{full}: cannot read the master key file ({e.Message})", e);
        }

        Span<byte> key = stackalloc byte[KeyLength];
        try
        {
            string id = Parse(full, bytes, key);
            var wrapper = new KeyFileWrapper(full, key);
            if (!string.Equals(wrapper.KeyId, id, StringComparison.Ordinal))
            {
                wrapper.Dispose();
                throw new KeyFileException($"{full}: the key does not match its id '{id}' (the file was altered or assembled from two keys)");
            }
            return wrapper;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="dataKey"/> is not 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The wrapper was disposed.</exception>
    public byte[] Wrap(ReadOnlySpan<byte> dataKey)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (dataKey.Length != KeyLength)
            throw new ArgumentException($"a data key is {KeyLength} bytes, got {dataKey.Length}", nameof(dataKey));
        var wrapped = new byte[WrappedLength];
        wrapped[0] = WrapVersion;
        var nonce = wrapped.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, dataKey, wrapped.AsSpan(1 + NonceLength, KeyLength), wrapped.AsSpan(1 + NonceLength + KeyLength, TagLength), _associatedData);
        return wrapped;
    }

    /// <inheritdoc />
    /// <returns>The 32-byte data key; the caller should clear it (<see cref="CryptographicOperations.ZeroMemory"/>) after use.</returns>
    /// <exception cref="CryptographicException">
    /// <paramref name="keyId"/> is not this key's id, or <paramref name="wrapped"/> is malformed or was altered.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The wrapper was disposed.</exception>
    public byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(keyId);
        if (!string.Equals(keyId, KeyId, StringComparison.Ordinal))
            throw new CryptographicException($"the data key was wrapped by master key '{keyId}', but the key file {Path} holds '{KeyId}'");
        if (wrapped.Length != WrappedLength || wrapped[0] != WrapVersion)
        {
            throw new CryptographicException(wrapped.Length != WrappedLength
                ? $"the wrapped data key is malformed ({wrapped.Length} bytes, expected {WrappedLength})"
                : $"the wrapped data key has unknown version {wrapped[0]}");
        }
        var dataKey = new byte[KeyLength];
        try
        {
            using var aes = new AesGcm(_key, TagLength);
            aes.Decrypt(wrapped.Slice(1, NonceLength), wrapped.Slice(1 + NonceLength, KeyLength), wrapped.Slice(1 + NonceLength + KeyLength, TagLength), dataKey, _associatedData);
            return dataKey;
        }
        catch (CryptographicException e)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new CryptographicException($"the wrapped data key failed authentication under master key '{KeyId}': it was altered or wrapped by another key", e);
        }
    }

    /// <summary>Clears the master key from memory; the wrapper cannot be used afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>The id of <paramref name="key"/>: <c>mk-</c> and the first 8 bytes of SHA-256(context, key) in lower-case hex.</summary>
    internal static string IdOf(ReadOnlySpan<byte> key)
    {
        Span<byte> input = stackalloc byte[IdContext.Length + KeyLength];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        IdContext.CopyTo(input);
        key.CopyTo(input[IdContext.Length..]);
        SHA256.HashData(input, hash);
        CryptographicOperations.ZeroMemory(input);
        return "mk-" + Convert.ToHexStringLower(hash[..8]);
    }

    private static byte[] Serialize(ReadOnlySpan<byte> key, DateTimeOffset created)
    {
        // Written by hand so that the only copies of the key are buffers cleared afterwards.
        Span<char> base64 = stackalloc char[44];
        if (!Convert.TryToBase64Chars(key, base64, out int written) || written != base64.Length)
            throw new InvalidOperationException("base64 of the key has an unexpected length");
        var text = new StringBuilder()
            .Append("{\n")
            .Append("  \"format\": \"").Append(FormatName).Append("\",\n")
            .Append("  \"version\": ").Append(FormatVersion).Append(",\n")
            .Append("  \"id\": \"").Append(IdOf(key)).Append("\",\n")
            .Append("  \"key\": \"").Append(base64).Append("\",\n")
            .Append("  \"created\": \"").Append(created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)).Append("\"\n")
            .Append("}\n");
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(base64));
        var chars = new char[text.Length];
        text.CopyTo(0, chars, chars.Length);
        text.Clear();
        try
        {
            return Encoding.UTF8.GetBytes(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>Reads a key file's JSON into <paramref name="key"/>; returns the id it names.</summary>
    private static string Parse(string path, byte[] bytes, Span<byte> key)
    {
        string Malformed(string why) => $"{path}: not a Vigil master key file ({why})";
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new KeyFileException(Malformed("expected a JSON object"));
            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
                throw new KeyFileException(Malformed($"no \"format\": \"{FormatName}\" marker"));
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number)
                throw new KeyFileException(Malformed("no version"));
            if (!version.TryGetInt32(out int v) || v != FormatVersion)
                throw new KeyFileException($"{path}: master key file version {version.GetRawText()} is not supported (this Vigil reads version {FormatVersion})");
            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 } id)
                throw new KeyFileException(Malformed("no key id"));
            if (!root.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String)
                throw new KeyFileException(Malformed("no key"));
            byte[] decoded;
            try
            {
                decoded = keyElement.GetBytesFromBase64();
            }
            catch (FormatException)
            {
                throw new KeyFileException(Malformed("the key is not base64"));
            }
            try
            {
                if (decoded.Length != KeyLength)
                    throw new KeyFileException($"{path}: the master key is {decoded.Length} bytes; it must be {KeyLength} (256 bits)");
                decoded.CopyTo(key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(decoded);
            }
            return id;
        }
        catch (JsonException e)
        {
            throw new KeyFileException(Malformed($"malformed JSON: {e.Message}"), e);
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
