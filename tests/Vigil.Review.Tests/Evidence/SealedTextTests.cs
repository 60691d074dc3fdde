using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Review.Tests.Evidence;

/// <summary>
/// Conversation texts sealed for a column (<see cref="SealedText"/>) and the store that seals them
/// (<see cref="SealedConversationStore"/>): round trips of any text, every altered or cut byte refused, another key refused.
/// </summary>
public sealed class SealedTextTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-vault-");
    private readonly KeyFileWrapper _key, _otherKey;
    private readonly EvidenceVault _vault, _other;

    public SealedTextTests()
    {
        _key = KeyFileWrapper.Create(Path.Combine(_dir.Path, "master.key"));
        _otherKey = KeyFileWrapper.Create(Path.Combine(_dir.Path, "other.key"));
        (_vault, _other) = (new EvidenceVault(_key), new EvidenceVault(_otherKey));
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
        _dir.Dispose();
    }

    /// <summary>Texts of every kind: empty, ASCII, any UTF-16 scalar (surrogate pairs included), up to 10,000 characters.</summary>
    private static Gen<string> Texts =>
        from length in Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 200)), (1, Gen.Choose(201, 10_000)))
        from scalars in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0x20, 0x7E)), (1, Gen.Choose(0x80, 0xD7FF)), (1, Gen.Choose(0x10000, 0x10FFFF))), length)
        select string.Concat(scalars.Select(char.ConvertFromUtf32));

    [Fact]
    public void Any_text_comes_back_as_it_was_and_never_appears_in_the_sealed_bytes()
    {
        Prop.ForAll(Texts.ToArbitrary(), text =>
        {
            byte[] sealedText = SealedText.Seal(_vault, text);
            bool clear = text.Length >= 8 && sealedText.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
            return SealedText.Open(_vault, sealedText) == text && !clear;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_altered_or_cut_byte_and_another_key_are_refused()
    {
        byte[] sealedText = SealedText.Seal(_vault, "don't tell anyone we talk");
        for (int i = 0; i < sealedText.Length; i++)
        {
            byte[] altered = (byte[])sealedText.Clone();
            altered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => SealedText.Open(_vault, altered));
        }
        for (int cut = 0; cut < sealedText.Length; cut++)
            Assert.ThrowsAny<CryptographicException>(() => SealedText.Open(_vault, sealedText.AsSpan(0, cut)));
        Assert.ThrowsAny<CryptographicException>(() => SealedText.Open(_other, sealedText));
        // Two seals of one text share nothing but the layout (a fresh key and nonce each).
        Assert.NotEqual(sealedText, SealedText.Seal(_vault, "don't tell anyone we talk"));
    }

    [Fact]
    public async Task The_store_keeps_only_sealed_texts_and_reads_clear_and_sealed_rows_alike()
    {
        var inner = new ListConversationStore();
        var store = new SealedConversationStore(inner, _vault);
        var t0 = new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero);
        // A row kept in clear before the vault was configured.
        await inner.AppendMessagesAsync("c1", [new StoredMessage("a", "b", t0, "hi, nice drawing")], t0);
        await store.AppendMessagesAsync("c1", [new StoredMessage("a", "b", t0.AddMinutes(1), "are your parents home?", SenderAge: 34, RecipientIsMinor: true)], t0);
        var kept = inner.Rows["c1"];
        Assert.Equal(("", true, 34, true), (kept[1].Text, kept[1].SealedText is not null, kept[1].SenderAge, kept[1].RecipientIsMinor));
        var read = await store.ReadMessagesAsync("c1");
        Assert.Equal(["hi, nice drawing", "are your parents home?"], read.Select(m => m.Text));
        Assert.All(read, m => Assert.Null(m.SealedText));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => new SealedConversationStore(inner, _other).ReadMessagesAsync("c1"));
    }

    /// <summary>An in-memory store: rows as given.</summary>
    private sealed class ListConversationStore : IConversationStore
    {
        public Dictionary<string, List<StoredMessage>> Rows { get; } = [];

        public Task<int> AppendMessagesAsync(string conversation, IReadOnlyList<StoredMessage> messages, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (!Rows.TryGetValue(conversation, out var rows))
                Rows[conversation] = rows = [];
            rows.AddRange(messages);
            return Task.FromResult(rows.Count);
        }

        public Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(string conversation, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<StoredMessage>>(Rows.TryGetValue(conversation, out var rows) ? [.. rows] : []);

        public Task<bool> TryClaimItemAsync(string conversation, DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult(true);

        public Task SetItemAsync(string conversation, long caseId, long itemId, DateTimeOffset now, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<(long CaseId, long ItemId)?> GetItemAsync(string conversation, CancellationToken cancellationToken = default) =>
            Task.FromResult<(long, long)?>(null);
    }
}
