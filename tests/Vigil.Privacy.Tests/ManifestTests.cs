using System.Security.Cryptography;
using Vigil.Privacy.Psi;

namespace Vigil.Privacy.Tests;

/// <summary>The signed manifest's promise that each entry is in at least N of its banks.</summary>
public sealed class ManifestTests
{
    private static (Manifest Manifest, byte[] Pdata, ServerKey Key) Publish(int minBanks)
    {
        var key = ServerKey.Generate();
        var listed = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, distinct, dropped) = PublicTable.Build(listed, key, listVersion: 3);
        var pdata = table.Serialize();
        return (Manifest.Describe(table, pdata, 5, ["ORG_A", "ORG_B"], distinct, dropped, minBanks).SignWith(key), pdata, key);
    }

    [Fact]
    public void Min_banks_is_signed_and_absent_when_there_is_no_rule()
    {
        var (plain, plainPdata, _) = Publish(1);
        Assert.DoesNotContain("min_banks", plain.ToJson());
        Manifest.Parse(plain.ToJson()).Verify(plainPdata);

        var (two, pdata, _) = Publish(2);
        string json = two.ToJson();
        Assert.Contains("\"min_banks\": 2", json);
        var read = Manifest.Parse(json);
        Assert.Equal(2, read.MinBanks);
        read.Verify(pdata);

        // Weakening the promise breaks the signature.
        var weakened = Manifest.Parse(json.Replace("\"min_banks\": 2", "\"min_banks\": 1"));
        Assert.Contains("does not verify", Assert.Throws<InvalidDataException>(() => weakened.Verify(pdata)).Message);
        var dropped = Manifest.Parse(json.Replace("\"min_banks\": 2,", ""));
        Assert.Contains("does not verify", Assert.Throws<InvalidDataException>(() => dropped.Verify(pdata)).Message);

        // More banks than the manifest names, or a negative count, is not a manifest.
        Assert.Contains("min_banks 3", Assert.Throws<InvalidDataException>(() => Manifest.Parse(json.Replace("\"min_banks\": 2", "\"min_banks\": 3"))).Message);
        Assert.Throws<InvalidDataException>(() => Manifest.Parse(json.Replace("\"min_banks\": 2", "\"min_banks\": -1")));
    }
}
