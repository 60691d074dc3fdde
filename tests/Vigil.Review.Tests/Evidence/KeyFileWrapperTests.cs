using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Review.Evidence;
using Vigil.Testing;

namespace Vigil.Review.Tests.Evidence;

/// <summary>The key-file master key: its file, its errors, and wrapping data keys under it.</summary>
public sealed class KeyFileWrapperTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-keyfile-");

    public void Dispose() => _dir.Dispose();

    private string PathOf(string name) => System.IO.Path.Combine(_dir.Path, name);

    private static byte[] RandomKey()
    {
        var key = new byte[32];
        RandomNumberGenerator.Fill(key);
        return key;
    }

    /// <summary>A key file as <see cref="KeyFileWrapper.Create"/> writes it, with any field replaced, and mode 0600.</summary>
    private string WriteKeyFile(string name, string json)
    {
        string path = PathOf(name);
        File.WriteAllText(path, json);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static string Json(object? format = null, object? version = null, object? id = null, object? key = null)
    {
        var k = RandomKey();
        var fields = new Dictionary<string, object?>
        {
            ["format"] = format ?? KeyFileWrapper.FormatName,
            ["version"] = version ?? 1,
            ["id"] = id ?? KeyFileWrapper.IdOf(k),
            ["key"] = key ?? Convert.ToBase64String(k),
        };
        return JsonSerializer.Serialize(fields);
    }

    [Fact]
    public void A_new_key_file_is_owner_only_documented_json_and_loads_back_with_the_same_id()
    {
        string path = PathOf("master.key");
        string id;
        using (var created = KeyFileWrapper.Create(path))
            id = created.KeyId;
        Assert.Matches("^mk-[0-9a-f]{16}$", id);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.Equal("vigil-vault-master-key", json.RootElement.GetProperty("format").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(id, json.RootElement.GetProperty("id").GetString());
        Assert.Equal(32, json.RootElement.GetProperty("key").GetBytesFromBase64().Length);
        Assert.True(DateTimeOffset.TryParse(json.RootElement.GetProperty("created").GetString(), out _));

        using var loaded = KeyFileWrapper.Load(path);
        Assert.Equal(id, loaded.KeyId);
        Assert.Equal(path, loaded.Path);
    }

    [Fact]
    public void Create_never_overwrites_an_existing_file()
    {
        string path = PathOf("master.key");
        File.WriteAllText(path, "precious");
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Create(path));
        Assert.Contains("already exists", e.Message);
        Assert.Equal("precious", File.ReadAllText(path));

        using (KeyFileWrapper.Create(PathOf("second.key")))
        {
        }
        byte[] before = File.ReadAllBytes(PathOf("second.key"));
        Assert.Throws<KeyFileException>(() => KeyFileWrapper.Create(PathOf("second.key")));
        Assert.Equal(before, File.ReadAllBytes(PathOf("second.key")));
    }

    [Fact]
    public void Create_in_a_missing_directory_fails_clearly()
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Create(PathOf("no/such/dir/master.key")));
        Assert.Contains("cannot write", e.Message);
    }

    [Fact]
    public void Two_new_keys_differ()
    {
        using var a = KeyFileWrapper.Create(PathOf("a.key"));
        using var b = KeyFileWrapper.Create(PathOf("b.key"));
        Assert.NotEqual(a.KeyId, b.KeyId);
    }

    [Fact]
    public void A_missing_file_or_a_directory_is_named_as_such()
    {
        var missing = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(PathOf("nothing.key")));
        Assert.Contains("no such master key file", missing.Message);
        Assert.Contains("init-key", missing.Message);
        var directory = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(_dir.Path));
        Assert.Contains("is a directory", directory.Message);
    }

    [Theory]
    [InlineData(0b_110_100_000)] // 0640
    [InlineData(0b_110_000_100)] // 0604
    [InlineData(0b_110_110_110)] // 0666
    [InlineData(0b_110_000_010)] // 0602: others may replace the key
    public void A_file_others_may_read_or_change_is_refused_with_chmod_600_advice(int mode)
    {
        if (OperatingSystem.IsWindows())
            return;
        string path = PathOf("master.key");
        using (KeyFileWrapper.Create(path))
        {
        }
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(path));
        Assert.Contains("chmod 600", e.Message);
        Assert.Contains(Convert.ToString(mode, 8), e.Message);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var loaded = KeyFileWrapper.Load(path);
    }

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("{\"format\": \"vigil-vault-master-key\", ", "malformed JSON")]
    [InlineData("[1, 2, 3]", "expected a JSON object")]
    [InlineData("{\"version\": 1, \"id\": \"mk-1\", \"key\": \"AAAA\"}", "\"format\"")]
    [InlineData("{\"format\": \"something-else\", \"version\": 1}", "\"format\"")]
    [InlineData("{\"format\": \"vigil-vault-master-key\", \"id\": \"mk-1\"}", "no version")]
    [InlineData("{\"format\": \"vigil-vault-master-key\", \"version\": 1, \"key\": \"AAAA\"}", "no key id")]
    [InlineData("{\"format\": \"vigil-vault-master-key\", \"version\": 1, \"id\": \"mk-1\"}", "no key")]
    [InlineData("{\"format\": \"vigil-vault-master-key\", \"version\": 1, \"id\": \"mk-1\", \"key\": \"not base64!\"}", "not base64")]
    public void A_malformed_file_says_it_is_not_a_key_file_and_why(string json, string why)
    {
        string path = WriteKeyFile("bad.key", json);
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(path));
        Assert.Contains("not a Vigil master key file", e.Message);
        Assert.Contains(why, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Another_version_is_refused_by_number()
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(WriteKeyFile("v2.key", Json(version: 2))));
        Assert.Contains("version 2 is not supported", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void A_key_of_the_wrong_length_is_refused_with_its_length(int length)
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(WriteKeyFile("short.key", Json(key: Convert.ToBase64String(new byte[length])))));
        Assert.Contains($"is {length} bytes; it must be 32", e.Message);
    }

    [Fact]
    public void A_key_that_does_not_match_its_id_is_refused()
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFileWrapper.Load(WriteKeyFile("swapped.key", Json(id: KeyFileWrapper.IdOf(RandomKey())))));
        Assert.Contains("does not match its id", e.Message);
    }

    [Fact]
    public void A_data_key_round_trips_and_each_wrap_uses_a_fresh_nonce()
    {
        using var wrapper = KeyFileWrapper.Create(PathOf("master.key"));
        var dataKey = RandomKey();
        var first = wrapper.Wrap(dataKey);
        var second = wrapper.Wrap(dataKey);
        Assert.Equal(KeyFileWrapper.WrappedLength, first.Length);
        Assert.NotEqual(first, second);
        Assert.Equal(dataKey, wrapper.Unwrap(wrapper.KeyId, first));
        Assert.Equal(dataKey, wrapper.Unwrap(wrapper.KeyId, second));
        Assert.Throws<ArgumentException>(() => wrapper.Wrap(new byte[16]));
    }

    [Fact]
    public void An_unknown_key_id_is_refused_naming_both_ids()
    {
        using var wrapper = KeyFileWrapper.Create(PathOf("master.key"));
        var wrapped = wrapper.Wrap(RandomKey());
        var e = Assert.Throws<CryptographicException>(() => wrapper.Unwrap("mk-0000000000000000", wrapped));
        Assert.Contains("mk-0000000000000000", e.Message);
        Assert.Contains(wrapper.KeyId, e.Message);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_wrapped_key_is_detected()
    {
        using var wrapper = KeyFileWrapper.Create(PathOf("master.key"));
        var wrapped = wrapper.Wrap(RandomKey());
        for (int bit = 0; bit < wrapped.Length * 8; bit++)
        {
            var altered = (byte[])wrapped.Clone();
            altered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<CryptographicException>(() => wrapper.Unwrap(wrapper.KeyId, altered));
        }
        Assert.Throws<CryptographicException>(() => wrapper.Unwrap(wrapper.KeyId, wrapped[..^1]));
        Assert.Throws<CryptographicException>(() => wrapper.Unwrap(wrapper.KeyId, [.. wrapped, 0]));
        Assert.Throws<CryptographicException>(() => wrapper.Unwrap(wrapper.KeyId, []));
    }

    [Fact]
    public void A_key_wrapped_by_another_master_key_does_not_unwrap()
    {
        using var a = KeyFileWrapper.Create(PathOf("a.key"));
        using var b = KeyFileWrapper.Create(PathOf("b.key"));
        var wrapped = a.Wrap(RandomKey());
        Assert.Throws<CryptographicException>(() => b.Unwrap(b.KeyId, wrapped));
        Assert.Throws<CryptographicException>(() => b.Unwrap(a.KeyId, wrapped));
    }

    [Fact]
    public void A_disposed_wrapper_refuses_work()
    {
        var wrapper = KeyFileWrapper.Create(PathOf("master.key"));
        var wrapped = wrapper.Wrap(RandomKey());
        wrapper.Dispose();
        Assert.Throws<ObjectDisposedException>(() => wrapper.Wrap(RandomKey()));
        Assert.Throws<ObjectDisposedException>(() => wrapper.Unwrap(wrapper.KeyId, wrapped));
    }
}
