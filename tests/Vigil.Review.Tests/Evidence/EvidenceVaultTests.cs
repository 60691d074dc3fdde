using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Review.Tests.Evidence;

/// <summary>Sealing and opening media: round trips, and every kind of alteration or wrong key refused.</summary>
public sealed class EvidenceVaultTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-vault-");
    private readonly KeyFileWrapper _key;
    private readonly EvidenceVault _vault;

    public EvidenceVaultTests()
    {
        _key = KeyFileWrapper.Create(Path.Combine(_dir.Path, "master.key"));
        _vault = new EvidenceVault(_key);
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    private static Gen<string> ContentTypes =>
        from length in Gen.Choose(1, EvidenceVault.MaxContentTypeLength)
        from chars in Gen.ArrayOf(Gen.Choose(' ', '~').Select(c => (char)c), length)
        select new string(chars);

    private static Gen<byte[]> Plaintexts =>
        from length in Gen.Frequency((3, Gen.Choose(0, 64)), (2, Gen.Choose(65, 5000)), (1, Gen.Choose(100_000, 300_000)))
        from seed in Gen.Choose(0, int.MaxValue)
        select Bytes(length, seed);

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Any_bytes_with_any_content_type_round_trip()
    {
        Prop.ForAll(Plaintexts.ToArbitrary(), ContentTypes.ToArbitrary(), (plaintext, contentType) =>
        {
            var sealedMedia = _vault.Seal(plaintext, contentType);
            Assert.Equal(contentType, sealedMedia.ContentType);
            Assert.Equal(plaintext.Length, sealedMedia.Length);
            Assert.Equal(_key.KeyId, sealedMedia.KeyId);
            Assert.Equal(EvidenceVault.NonceLength, sealedMedia.Nonce.Length);
            Assert.Equal(plaintext.Length + EvidenceVault.TagLength, sealedMedia.Ciphertext.Length);
            Assert.Equal(plaintext, _vault.Open(sealedMedia));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void The_ciphertext_does_not_contain_the_plaintext_and_each_seal_is_fresh()
    {
        var plaintext = new byte[4096];
        Array.Fill(plaintext, (byte)0x41);
        var a = _vault.Seal(plaintext, "image/png");
        var b = _vault.Seal(plaintext, "image/png");
        Assert.NotEqual(a.Nonce, b.Nonce);
        Assert.NotEqual(a.WrappedKey, b.WrappedKey);
        Assert.NotEqual(a.Ciphertext, b.Ciphertext);
        Assert.Equal(-1, a.Ciphertext.AsSpan().IndexOf(plaintext.AsSpan(0, 32)));
    }

    [Fact]
    public void Every_single_bit_flip_of_the_nonce_ciphertext_tag_or_wrapped_key_fails()
    {
        var plaintext = Bytes(40, 1);
        var original = _vault.Seal(plaintext, "image/jpeg");
        int checkedBits = 0;
        foreach (var (field, bytes) in new[] { ("nonce", original.Nonce), ("ciphertext", original.Ciphertext), ("wrapped key", original.WrappedKey) })
        {
            for (int bit = 0; bit < bytes.Length * 8; bit++)
            {
                var altered = (byte[])bytes.Clone();
                altered[bit / 8] ^= (byte)(1 << (bit % 8));
                var tampered = field switch
                {
                    "nonce" => original with { Nonce = altered },
                    "ciphertext" => original with { Ciphertext = altered },
                    _ => original with { WrappedKey = altered },
                };
                Assert.Throws<CryptographicException>(() => _vault.Open(tampered));
                checkedBits++;
            }
        }
        Assert.Equal((12 + 56 + KeyFileWrapper.WrappedLength) * 8, checkedBits);
        Assert.Equal(plaintext, _vault.Open(original));
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("image/jpeg ")]
    [InlineData("Image/jpeg")]
    [InlineData("video/mp4")]
    [InlineData("")]
    [InlineData("image/jpég")]
    public void A_changed_content_type_fails(string contentType)
    {
        var original = _vault.Seal(Bytes(100, 2), "image/jpeg");
        var e = Assert.ThrowsAny<CryptographicException>(() => _vault.Open(original with { ContentType = contentType }));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(99L)]
    [InlineData(101L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void A_changed_length_fails(long length)
    {
        var original = _vault.Seal(Bytes(100, 3), "image/jpeg");
        Assert.ThrowsAny<CryptographicException>(() => _vault.Open(original with { Length = length }));
    }

    [Fact]
    public void A_changed_length_with_a_matching_ciphertext_cut_still_fails()
    {
        // Drop the last ciphertext byte and say the media is one byte shorter: the tag no longer matches.
        var original = _vault.Seal(Bytes(100, 4), "image/jpeg");
        var cut = original.Ciphertext[..^1];
        Assert.ThrowsAny<CryptographicException>(() => _vault.Open(original with { Length = 99, Ciphertext = cut }));
    }

    [Theory]
    [InlineData("mk-0000000000000000")]
    [InlineData("")]
    [InlineData("\ud800")]
    public void A_changed_key_id_fails(string keyId)
    {
        var original = _vault.Seal(Bytes(100, 5), "image/jpeg");
        Assert.ThrowsAny<CryptographicException>(() => _vault.Open(original with { KeyId = keyId }));
    }

    [Fact]
    public void Wrong_lengths_and_missing_fields_fail_as_malformed()
    {
        var original = _vault.Seal(Bytes(10, 6), "image/jpeg");
        foreach (var broken in new[]
        {
            original with { Nonce = original.Nonce[..11] },
            original with { Nonce = [.. original.Nonce, 0] },
            original with { Nonce = null! },
            original with { Ciphertext = original.Ciphertext[..^1] },
            original with { Ciphertext = [] },
            original with { Ciphertext = null! },
            original with { WrappedKey = [] },
            original with { WrappedKey = null! },
            original with { ContentType = null! },
            original with { KeyId = null! },
        })
        {
            var e = Assert.ThrowsAny<CryptographicException>(() => _vault.Open(broken));
            Assert.Contains("malformed", e.Message);
        }
    }

    [Fact]
    public void Swapping_the_wrapped_keys_of_two_items_fails()
    {
        var a = _vault.Seal(Bytes(100, 7), "image/jpeg");
        var b = _vault.Seal(Bytes(100, 8), "image/jpeg");
        Assert.Throws<CryptographicException>(() => _vault.Open(a with { WrappedKey = b.WrappedKey }));
        Assert.Throws<CryptographicException>(() => _vault.Open(a with { Nonce = b.Nonce }));
    }

    [Fact]
    public void Random_alterations_of_any_field_always_fail()
    {
        var plaintext = Bytes(300, 9);
        var original = _vault.Seal(plaintext, "image/webp");
        var alterations =
            from field in Gen.Choose(0, 5)
            from position in Gen.Choose(0, 10_000)
            from xor in Gen.Choose(1, 255)
            select (Field: field, Position: position, Xor: (byte)xor);
        Prop.ForAll(alterations.ToArbitrary(), a =>
        {
            byte[] Flip(byte[] bytes)
            {
                var copy = (byte[])bytes.Clone();
                copy[a.Position % copy.Length] ^= a.Xor;
                return copy;
            }
            var tampered = a.Field switch
            {
                0 => original with { Nonce = Flip(original.Nonce) },
                1 => original with { Ciphertext = Flip(original.Ciphertext) },
                2 => original with { WrappedKey = Flip(original.WrappedKey) },
                3 => original with { Length = original.Length ^ a.Xor },
                4 => original with { ContentType = original.ContentType + (char)(' ' + a.Xor % 95) },
                _ => original with { KeyId = original.KeyId[..^1] + (char)('g' + a.Xor % 20) },
            };
            Assert.ThrowsAny<CryptographicException>(() => _vault.Open(tampered));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Another_master_key_cannot_open_an_item()
    {
        var sealedMedia = _vault.Seal(Bytes(1000, 10), "video/mp4");
        using var other = KeyFileWrapper.Create(Path.Combine(_dir.Path, "other.key"));
        var e = Assert.Throws<CryptographicException>(() => new EvidenceVault(other).Open(sealedMedia));
        Assert.Contains(_key.KeyId, e.Message);

        // Even when the item claims the other key's id, its wrapped key does not unwrap under that key.
        Assert.Throws<CryptographicException>(() => new EvidenceVault(other).Open(sealedMedia with { KeyId = other.KeyId }));
    }

    [Fact]
    public void The_same_key_file_loaded_again_opens_what_was_sealed()
    {
        var plaintext = Bytes(5000, 11);
        var sealedMedia = _vault.Seal(plaintext, "image/gif");
        using var again = KeyFileWrapper.Load(_key.Path);
        Assert.Equal(plaintext, new EvidenceVault(again).Open(sealedMedia));
    }

    [Fact]
    public void A_data_key_with_the_right_wrapping_but_wrong_value_fails()
    {
        // A wrapper that answers with another key (a KMS returning garbage) must not yield plaintext.
        var sealedMedia = _vault.Seal(Bytes(64, 12), "image/png");
        var liar = new RecordingWrapper(_key) { Replace = new byte[32] };
        Assert.Throws<CryptographicException>(() => new EvidenceVault(liar).Open(sealedMedia));
        var shortKey = new RecordingWrapper(_key) { Replace = new byte[16] };
        Assert.Throws<CryptographicException>(() => new EvidenceVault(shortKey).Open(sealedMedia));
    }

    [Fact]
    public void The_unwrapped_data_key_is_cleared_after_opening()
    {
        var recording = new RecordingWrapper(_key);
        var vault = new EvidenceVault(recording);
        var plaintext = Bytes(64, 13);
        var sealedMedia = vault.Seal(plaintext, "image/png");
        Assert.Equal(plaintext, vault.Open(sealedMedia));
        Assert.NotNull(recording.LastUnwrapped);
        Assert.All(recording.LastUnwrapped!, b => Assert.Equal(0, b));

        // And when opening fails.
        Assert.Throws<CryptographicException>(() => vault.Open(sealedMedia with { Ciphertext = Flip(sealedMedia.Ciphertext) }));
        Assert.All(recording.LastUnwrapped!, b => Assert.Equal(0, b));
    }

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[0] ^= 1;
        return copy;
    }

    [Theory]
    [InlineData("")]
    [InlineData("image/jpég")]
    [InlineData("image/png\n")]
    [InlineData("tab\there")]
    public void Seal_refuses_a_content_type_that_is_not_printable_ascii(string contentType)
    {
        Assert.Throws<ArgumentException>(() => _vault.Seal([1, 2, 3], contentType));
        Assert.Throws<ArgumentException>(() => _vault.Seal([1, 2, 3], new string('a', 256)));
        Assert.Throws<ArgumentNullException>(() => _vault.Seal([1, 2, 3], null!));
    }

    [Fact]
    public void Empty_media_seals_and_opens()
    {
        var sealedMedia = _vault.Seal([], "application/octet-stream");
        Assert.Equal(EvidenceVault.TagLength, sealedMedia.Ciphertext.Length);
        Assert.Empty(_vault.Open(sealedMedia));
    }

    /// <summary>Delegates to a real wrapper, keeps the last data key it handed out, and can hand out another instead.</summary>
    private sealed class RecordingWrapper(IKeyWrapper inner) : IKeyWrapper
    {
        public byte[]? Replace { get; init; }

        public byte[]? LastUnwrapped { get; private set; }

        public string KeyId => inner.KeyId;

        public byte[] Wrap(ReadOnlySpan<byte> dataKey) => inner.Wrap(dataKey);

        public byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped)
        {
            LastUnwrapped = Replace is { } replace ? (byte[])replace.Clone() : inner.Unwrap(keyId, wrapped);
            return LastUnwrapped;
        }
    }
}
