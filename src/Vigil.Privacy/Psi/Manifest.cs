using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Privacy.Crypto;

namespace Vigil.Privacy.Psi;

/// <summary>
/// What the server publishes with pdata: the list version, the protocol's parameters, where the
/// list came from, pdata's SHA-256 root, and an Ed25519 signature over all of it. A device refuses a
/// pdata whose root or signature does not check, so every device matches against the same list.
/// </summary>
public sealed record Manifest
{
    /// <summary>The manifest format.</summary>
    [JsonPropertyName("format")] public int Format { get; init; } = 1;

    /// <summary>"exact" (the PDQ must equal a list entry) or "banded".</summary>
    [JsonPropertyName("mode")] public required string Mode { get; init; }

    /// <summary>The list version (pdata and vouchers carry it too).</summary>
    [JsonPropertyName("list_version")] public required ulong ListVersion { get; init; }

    /// <summary>t: an account's matches are revealed when it has more than t.</summary>
    [JsonPropertyName("threshold")] public required int Threshold { get; init; }

    /// <summary>Banks the list was built from.</summary>
    [JsonPropertyName("banks")] public required IReadOnlyList<string> Banks { get; init; }

    /// <summary>Distinct entries in the list.</summary>
    [JsonPropertyName("entries")] public required int Entries { get; init; }

    /// <summary>Entries that could not be placed in the table (false negatives).</summary>
    [JsonPropertyName("dropped")] public required int Dropped { get; init; }

    /// <summary>Slots in pdata.</summary>
    [JsonPropertyName("slots")] public required int Slots { get; init; }

    /// <summary>SHA-256 of pdata.bin, lowercase hex.</summary>
    [JsonPropertyName("pdata_sha256")] public required string PdataSha256 { get; init; }

    /// <summary>When it was published (UTC, ISO 8601).</summary>
    [JsonPropertyName("created")] public required string Created { get; init; }

    /// <summary>The server's Ed25519 public key, hex.</summary>
    [JsonPropertyName("signing_key")] public required string SigningKey { get; init; }

    /// <summary>
    /// How many of <see cref="Banks"/> each entry had to be in to be listed (the publisher's rule; 0 or
    /// 1: any one of them). Two or more, with each bank one organisation's list, means that no single
    /// organisation can put a hash on the list. Written only when 2 or more, so that manifests
    /// without the rule keep their signed bytes.
    /// </summary>
    [JsonPropertyName("min_banks")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MinBanks { get; init; }

    /// <summary>Banded mode's parameters (absent in exact mode).</summary>
    [JsonPropertyName("bands")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ManifestBands? Bands { get; init; }

    /// <summary>Ed25519 signature of <see cref="SignedBytes"/>, hex (empty while unsigned).</summary>
    [JsonPropertyName("signature")] public string Signature { get; init; } = "";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The bytes the signature covers: the manifest as compact JSON with an empty signature.</summary>
    public byte[] SignedBytes() => JsonSerializer.SerializeToUtf8Bytes(this with { Signature = "" });

    /// <summary>This manifest signed with the server key.</summary>
    public Manifest SignWith(ServerKey key)
    {
        var named = this with { SigningKey = Convert.ToHexStringLower(key.SigningPublicKey) };
        return named with { Signature = Convert.ToHexStringLower(key.Sign(named.SignedBytes())) };
    }

    /// <summary>The manifest file's text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    /// <summary>Reads a manifest file; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static Manifest Parse(string json)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<Manifest>(json) ?? throw new InvalidDataException("the manifest is empty");
            if (manifest.Format != 1)
                throw new InvalidDataException($"manifest format {manifest.Format} is not supported (this Vigil reads 1)");
            if (manifest.Mode is not ("exact" or "banded"))
                throw new InvalidDataException($"the manifest's mode \"{manifest.Mode}\" is neither exact nor banded");
            if ((manifest.Mode == "banded") != (manifest.Bands is not null))
                throw new InvalidDataException("a banded manifest needs its band parameters, and only a banded one may have them");
            int banks = manifest.Banks?.Count ?? 0;
            if (manifest.MinBanks < 0 || manifest.MinBanks > Math.Max(1, banks))
                throw new InvalidDataException($"the manifest's min_banks {manifest.MinBanks} is not between 1 and its {banks} banks");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the manifest is not valid: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks the signature (against <paramref name="expectedSigningKey"/> when the device pins one)
    /// and that <paramref name="pdata"/> is the table the manifest names; throws
    /// <see cref="InvalidDataException"/> saying which check failed.
    /// </summary>
    public void Verify(ReadOnlySpan<byte> pdata, string? expectedSigningKey = null)
    {
        byte[] publicKey, signature;
        try
        {
            publicKey = Convert.FromHexString(SigningKey);
            signature = Convert.FromHexString(Signature);
        }
        catch (FormatException)
        {
            throw new InvalidDataException("the manifest's signing key or signature is not hex");
        }
        if (expectedSigningKey is not null && !string.Equals(expectedSigningKey, SigningKey, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"the manifest is signed by {SigningKey}, not by the expected server key {expectedSigningKey}");
        if (!Ed25519.Verify(publicKey, SignedBytes(), signature))
            throw new InvalidDataException("the manifest's signature does not verify: it was changed or not made by this server");
        string root = PublicTable.Root(pdata);
        if (!string.Equals(root, PdataSha256, StringComparison.Ordinal))
            throw new InvalidDataException($"pdata's SHA-256 is {root}, but the manifest publishes {PdataSha256}: refusing a table that is not the published one");
    }

    /// <summary>
    /// The (unsigned) manifest of a freshly built table: its mode, band parameters, list version,
    /// slots and root, with the threshold, banks, the publisher's rule (<paramref name="minBanks"/>, see
    /// <see cref="MinBanks"/>) and counts the publisher gives, created now.
    /// </summary>
    public static Manifest Describe(PublicTable table, ReadOnlySpan<byte> pdata, int threshold, IReadOnlyList<string> banks, int entries, int dropped,
        int minBanks = 1)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new Manifest
        {
            Mode = table.Mode,
            Bands = table.Bands is null ? null : ManifestBands.From(table.Bands),
            ListVersion = table.ListVersion,
            Threshold = threshold,
            Banks = banks,
            MinBanks = minBanks >= 2 ? minBanks : 0,
            Entries = entries,
            Dropped = dropped,
            Slots = table.SlotCount,
            PdataSha256 = PublicTable.Root(pdata),
            Created = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            SigningKey = "",
        };
    }

    /// <summary>The band parameters the manifest publishes (null in exact mode).</summary>
    public BandParameters? BandParameters() => Bands?.ToParameters();

    /// <summary>The shape of the vouchers made against this list.</summary>
    public VoucherLayout VoucherLayout() => Bands is null ? Psi.VoucherLayout.Exact : Psi.VoucherLayout.Banded(Bands.ToParameters());

    /// <summary>Checks that <paramref name="table"/> is in the mode, list version and band parameters the manifest states; throws <see cref="InvalidDataException"/> when not.</summary>
    public void CheckAgainst(PublicTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckAgainst(table.ListVersion, table.Bands);
    }

    /// <summary>As <see cref="CheckAgainst(PublicTable)"/>, from a table's header (<see cref="PublicTable.ReadHeader"/>).</summary>
    public void CheckAgainst(ulong listVersion, BandParameters? bands)
    {
        if (listVersion != ListVersion)
            throw new InvalidDataException($"pdata is list version {listVersion}, its manifest says {ListVersion}");
        string mode = bands is null ? "exact" : "banded";
        if (mode != Mode)
            throw new InvalidDataException($"pdata is in {mode} mode, its manifest says {Mode}");
        if (bands is not null && !ManifestBands.From(bands).Equals(Bands))
            throw new InvalidDataException("pdata's band parameters differ from its manifest's");
    }
}

/// <summary>Banded mode's public parameters, as the manifest states them.</summary>
public sealed record ManifestBands
{
    /// <summary>Number of bands the permuted 256 bits are cut into.</summary>
    [JsonPropertyName("count")] public required int Count { get; init; }

    /// <summary>Bit flips probed around each band value.</summary>
    [JsonPropertyName("radius")] public required int Radius { get; init; }

    /// <summary>Seed of the public bit permutation, hex.</summary>
    [JsonPropertyName("permutation_seed")] public required string PermutationSeed { get; init; }

    /// <summary>Relative weights of 1 .. count opened probes in a synthetic voucher.</summary>
    [JsonPropertyName("synthetic_open_weights")] public required IReadOnlyList<int> SyntheticOpenWeights { get; init; }

    /// <summary>Probes per photo (pairs per voucher); derived, stated for readers.</summary>
    [JsonPropertyName("probes_per_photo")] public required int ProbesPerPhoto { get; init; }

    /// <summary>The manifest's form of <paramref name="bands"/>.</summary>
    public static ManifestBands From(BandParameters bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        return new ManifestBands
        {
            Count = bands.Bands,
            Radius = bands.Radius,
            PermutationSeed = Convert.ToHexStringLower(bands.Seed),
            SyntheticOpenWeights = [.. bands.SyntheticWeights],
            ProbesPerPhoto = bands.ProbeCount,
        };
    }

    /// <summary>The parameters; throws <see cref="InvalidDataException"/> when they are invalid.</summary>
    public BandParameters ToParameters()
    {
        try
        {
            var parameters = new BandParameters(Count, Radius, Convert.FromHexString(PermutationSeed), SyntheticOpenWeights);
            if (parameters.ProbeCount != ProbesPerPhoto)
                throw new InvalidDataException($"the manifest says {ProbesPerPhoto} probes per photo; its bands give {parameters.ProbeCount}");
            return parameters;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new InvalidDataException($"the manifest's band parameters are invalid: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public bool Equals(ManifestBands? other) =>
        other is not null && Count == other.Count && Radius == other.Radius && ProbesPerPhoto == other.ProbesPerPhoto
        && string.Equals(PermutationSeed, other.PermutationSeed, StringComparison.OrdinalIgnoreCase)
        && SyntheticOpenWeights.SequenceEqual(other.SyntheticOpenWeights);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Count, Radius, PermutationSeed.ToLowerInvariant());
}
