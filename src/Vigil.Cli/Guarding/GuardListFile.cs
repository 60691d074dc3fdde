using Vigil.Hashing.Pdq;
using Vigil.Video.Guard;

namespace Vigil.Cli.Guarding;

/// <summary>
/// Reads <c>vigil guard --list FILE</c>: a packed list (<see cref="PackedPdqList"/>) whose signature must verify with
/// the given public key, or plain text with one 64-hex PDQ hash per line (# comments, anything after the hash ignored).
/// </summary>
internal static class GuardListFile
{
    public static bool Read(string path, string? publicKeyHex, List<PdqHash> hashes, TextWriter error)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: --list {path}: {e.Message}");
            return false;
        }
        if (PackedPdqList.IsPacked(bytes))
        {
            if (publicKeyHex is null || publicKeyHex.Length != 64 || !publicKeyHex.All(Uri.IsHexDigit))
            {
                error.WriteLine($"error: --list {path} is a packed list: give --list-key, the 64-hex Ed25519 public key it must be signed by");
                return false;
            }
            byte[] publicKey = Convert.FromHexString(publicKeyHex);
            try
            {
                hashes.AddRange(PackedPdqList.Unpack(bytes, (message, signature) => Vigil.Privacy.Crypto.Ed25519.Verify(publicKey, message, signature)));
            }
            catch (FormatException e)
            {
                error.WriteLine($"error: --list {path}: {e.Message}");
                return false;
            }
            error.WriteLine($"vigil guard: packed list {path}: {hashes.Count:N0} hashes, signature verified");
            return true;
        }
        string[] lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            string hex = line.Split([' ', '\t', ','], 2)[0];
            if (!PdqHash.TryParse(hex, out var hash))
            {
                error.WriteLine($"error: --list {path} line {i + 1}: '{hex}' is not a PDQ hash (64 hex digits)");
                return false;
            }
            hashes.Add(hash);
        }
        return true;
    }

}
