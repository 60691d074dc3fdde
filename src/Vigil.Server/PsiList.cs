using Vigil.Privacy.Psi;

namespace Vigil.Server;

/// <summary>
/// The published private-matching list the service processes vouchers against (<c>vigil serve
/// --psi DIR</c>): the secret server key, and the signed manifest checked against pdata. The
/// threshold, list version and banks come from the manifest. Everything the service needs to know
/// about the voucher format (its size, how to read one) is asked here, so a new mode changes one
/// place.
/// </summary>
public sealed class PsiList
{
    /// <summary>The secret key file in the published folder.</summary>
    public const string KeyFile = "server.key";

    /// <summary>The public table in the published folder.</summary>
    public const string PdataFile = "pdata.bin";

    /// <summary>The signed manifest in the published folder.</summary>
    public const string ManifestFile = "manifest.json";

    private PsiList(ServerKey key, Manifest manifest, string location)
    {
        Key = key;
        Manifest = manifest;
        Location = location;
        Layout = manifest.VoucherLayout();
        VoucherSize = Voucher.SizeFor(manifest.Threshold, Layout);
    }

    /// <summary>The server key (opens outer layers).</summary>
    public IServerKey Key { get; }

    /// <summary>The checked manifest.</summary>
    public Manifest Manifest { get; }

    /// <summary>The folder it was loaded from, for messages.</summary>
    public string Location { get; }

    /// <summary>t: an account's matches are revealed past t.</summary>
    public int Threshold => Manifest.Threshold;

    /// <summary>The list version vouchers must carry.</summary>
    public ulong ListVersion => Manifest.ListVersion;

    /// <summary>The banks the list was built from (revealed hashes are re-checked against them).</summary>
    public IReadOnlyList<string> Banks => Manifest.Banks;

    /// <summary>The shape of every voucher made against this list (exact or banded mode).</summary>
    public VoucherLayout Layout { get; }

    /// <summary>Bytes of every voucher made against this list.</summary>
    public int VoucherSize { get; }

    /// <summary>Reads one voucher made against this list's parameters; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public Voucher ParseVoucher(ReadOnlySpan<byte> bytes) => Voucher.Parse(bytes, Manifest.Threshold, Layout);

    /// <summary>
    /// Loads <c>DIR/server.key</c>, <c>DIR/pdata.bin</c> and <c>DIR/manifest.json</c> as
    /// <c>vigil psi publish</c> wrote them, and checks that the manifest is signed by this server key
    /// and that its <c>pdata_sha256</c> is pdata's root. Throws <see cref="InvalidDataException"/>
    /// (or <see cref="IOException"/> for a missing file) saying which file and check failed.
    /// </summary>
    public static PsiList Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{dir} does not exist (make it with 'vigil psi publish --bank NAME --out {directory}')");
        ServerKey key;
        try
        {
            key = ServerKey.Import(File.ReadAllBytes(Path.Combine(dir, KeyFile)));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path.Combine(dir, KeyFile)}: {e.Message}", e);
        }
        catch (PlatformNotSupportedException e)
        {
            throw new InvalidDataException($"cannot use the server key: {e.Message}", e);
        }
        string manifestPath = Path.Combine(dir, ManifestFile);
        Manifest manifest;
        try
        {
            manifest = Manifest.Parse(File.ReadAllText(manifestPath));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{manifestPath}: {e.Message}", e);
        }
        var pdata = File.ReadAllBytes(Path.Combine(dir, PdataFile));
        try
        {
            manifest.Verify(pdata, Convert.ToHexStringLower(key.SigningPublicKey));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{manifestPath}: {e.Message}", e);
        }
        if (manifest.Threshold < 1)
            throw new InvalidDataException($"{manifestPath}: threshold {manifest.Threshold} is not valid");
        try
        {
            var (listVersion, bands) = PublicTable.ReadHeader(pdata);
            manifest.CheckAgainst(listVersion, bands);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path.Combine(dir, PdataFile)}: {e.Message}", e);
        }
        return new PsiList(key, manifest, dir);
    }
}
