using Vigil.Hashing.Pdq;

namespace Vigil.ImageHashing;

/// <summary>
/// The hashes one query image is matched by, with how each was made, in the order an index search takes them
/// (<c>PdqIndex.Search</c>'s query index is the position here): the whole image's eight dihedral variants first
/// (position 0 is the plain hash), then those of the picture found inside it.
/// </summary>
public sealed class QueryHashes
{
    private readonly List<PdqHash> _hashes;
    private readonly List<string> _names;
    private readonly List<int> _qualities;

    private QueryHashes(int capacity)
    {
        _hashes = new List<PdqHash>(capacity);
        _names = new List<string>(capacity);
        _qualities = new List<int>(capacity);
    }

    /// <summary>The hashes.</summary>
    public IReadOnlyList<PdqHash> Hashes => _hashes;

    /// <summary>How each hash was made: <c>pdq</c>, <c>rotate90</c>, ... for the whole image, <c>trimmed</c>, <c>trimmed-rotate90</c>, <c>region</c>, ... for a picture inside it.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Each hash's PDQ quality (0..100).</summary>
    public IReadOnlyList<int> Qualities => _qualities;

    /// <summary>How many hashes.</summary>
    public int Count => _hashes.Count;

    /// <summary>The whole image's eight dihedral hashes as the hasher made them (default for a plain query).</summary>
    public PdqDihedralHashes Whole { get; private set; }

    /// <summary>How many leading hashes are the whole image's (1 for a plain query, 8 for a dihedral or robust one); the rest are extras.</summary>
    public int WholeCount { get; private set; }

    /// <summary>How many of <see cref="Trusted"/>'s hashes for <paramref name="minQuality"/> are the whole image's (they come first).</summary>
    public int TrustedWholeCount(int minQuality)
    {
        int n = 0;
        for (int i = 0; i < WholeCount; i++)
        {
            if (_qualities[i] >= minQuality)
                n++;
        }
        return n;
    }

    /// <summary>Only the plain hash.</summary>
    public static QueryHashes Plain(PdqResult plain)
    {
        var query = new QueryHashes(1) { WholeCount = 1 };
        query.Add(plain.Hash, plain.Quality, PdqDihedralHashes.Names[0]);
        return query;
    }

    /// <summary>The eight dihedral variants of the whole image; <paramref name="plain"/> stands first (the reference's plain hash can differ from the dihedral pass's original on 64x64 inputs).</summary>
    public static QueryHashes Dihedral(PdqResult plain, in PdqDihedralHashes whole, int capacity = PdqDihedralHashes.Count)
    {
        var query = new QueryHashes(capacity) { Whole = whole, WholeCount = PdqDihedralHashes.Count };
        query.Add(plain.Hash, plain.Quality, PdqDihedralHashes.Names[0]);
        query.AddVariants(whole, prefix: null, skipOriginal: true);
        return query;
    }

    /// <summary>Adds the eight dihedral variants of a picture found inside the image, named <c>PREFIX</c>, <c>PREFIX-rotate90</c>, ...</summary>
    internal void AddVariants(in PdqDihedralHashes hashes, string? prefix, bool skipOriginal = false)
    {
        var names = PdqDihedralHashes.Names;
        for (int v = skipOriginal ? 1 : 0; v < PdqDihedralHashes.Count; v++)
        {
            string name = prefix is null ? names[v] : v == 0 ? prefix : prefix + "-" + names[v];
            Add(hashes[(DihedralVariant)v], hashes.Quality, name);
        }
    }

    /// <summary>Adds one hash under <paramref name="name"/>.</summary>
    internal void Add(PdqResult hash, string name) => Add(hash.Hash, hash.Quality, name);

    private void Add(PdqHash hash, int quality, string name)
    {
        _hashes.Add(hash);
        _qualities.Add(quality);
        _names.Add(name);
    }

    /// <summary>What a match against one of a bank's own variants (a <c>pdq_variant</c> signal) adds to the name of the query hash that found it.</summary>
    public const string BankVariantName = "bank-variant";

    /// <summary>
    /// How a match was found, as answers report it: the name of the query hash that found it (<c>pdq</c>,
    /// <c>trimmed</c>, <c>rotate90</c>, ...), and when it matched one of the bank's own variants rather than the
    /// content's hash, <c>bank-variant</c> (the plain hash) or <c>NAME+bank-variant</c>.
    /// </summary>
    public static string HowFound(string queryHashName, bool bankVariant)
    {
        ArgumentNullException.ThrowIfNull(queryHashName);
        return !bankVariant ? queryHashName : queryHashName == "pdq" ? BankVariantName : queryHashName + "+" + BankVariantName;
    }

    /// <summary>
    /// The hashes whose quality is at least <paramref name="minQuality"/>, for an index search, with the name of each
    /// (a query image too poor to trust yields none; a trimmed picture can be good where the whole was not, and the reverse).
    /// </summary>
    public (PdqHash[] Hashes, string[] Names) Trusted(int minQuality)
    {
        int n = 0;
        for (int i = 0; i < _hashes.Count; i++)
        {
            if (_qualities[i] >= minQuality)
                n++;
        }
        var hashes = new PdqHash[n];
        var names = new string[n];
        for (int i = 0, j = 0; i < _hashes.Count; i++)
        {
            if (_qualities[i] < minQuality)
                continue;
            hashes[j] = _hashes[i];
            names[j++] = _names[i];
        }
        return (hashes, names);
    }
}
