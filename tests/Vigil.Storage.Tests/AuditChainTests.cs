namespace Vigil.Storage.Tests;

/// <summary><see cref="AuditChain"/> on its own: the hash encoding and what verification finds.</summary>
public class AuditChainTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Chain(int count)
    {
        var entries = new List<AuditEntry>();
        for (int i = 1; i <= count; i++)
        {
            entries.Add(AuditChain.Next(entries.LastOrDefault(), Start.AddMilliseconds(i * 1.5), i % 2 == 0 ? "alice" : "ci-matcher",
                i % 3 == 0 ? "bank.update" : "lookup", $"subject-{i}", i % 2 == 0 ? null : $$"""{"n":{{i}}}"""));
        }
        return entries;
    }

    [Fact]
    public void AFreshChainVerifiesAndAnEmptyOneToo()
    {
        var chain = Chain(10);
        Assert.Null(AuditChain.Verify(chain));
        Assert.Null(AuditChain.Verify([]));
        var check = AuditChain.Check(chain);
        Assert.Equal((10L, chain[^1].Hash), (check.Count, check.HeadHash));
        Assert.Equal((0L, AuditChain.GenesisHash), (AuditChain.Check([]).Count, AuditChain.Check([]).HeadHash));
        Assert.Equal(new string('0', 64), chain[0].PreviousHash);
    }

    [Fact]
    public void TheHashIsAFixedFunctionOfTheDocumentedEncoding()
    {
        // Recomputed here byte by byte from the encoding documented on AuditChain, so that a change
        // to the encoding (which would break every stored chain) fails this test.
        var entry = AuditChain.Next(null, Start, "alice", "lookup", "abc", """{"x":1}""");
        using var buffer = new MemoryStream();
        void Int64(long v) { var b = new byte[8]; System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(b, v); buffer.Write(b); }
        void Text(string s) { var bytes = System.Text.Encoding.UTF8.GetBytes(s); var b = new byte[4]; System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b, bytes.Length); buffer.Write(b); buffer.Write(bytes); }
        Text("vigil-audit-v1");
        Int64(1);
        Int64((Start - DateTimeOffset.UnixEpoch).Ticks / 10);
        Text("alice");
        Text("lookup");
        Text("abc");
        buffer.WriteByte(1);
        Text("""{"x":1}""");
        Text(AuditChain.GenesisHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray())), entry.Hash);
    }

    [Fact]
    public void FieldBoundariesAndNullDetailsAreUnambiguous()
    {
        var a = AuditChain.ComputeHash(1, Start, "ab", "c", "", null, AuditChain.GenesisHash);
        var b = AuditChain.ComputeHash(1, Start, "a", "bc", "", null, AuditChain.GenesisHash);
        var c = AuditChain.ComputeHash(1, Start, "ab", "c", "", "", AuditChain.GenesisHash);
        var d = AuditChain.ComputeHash(1, Start.AddTicks(10), "ab", "c", "", null, AuditChain.GenesisHash);
        Assert.Equal(4, new[] { a, b, c, d }.Distinct().Count());
        // Below a microsecond is not part of the hash (both stores keep microseconds).
        Assert.Equal(a, AuditChain.ComputeHash(1, Start.AddTicks(9), "ab", "c", "", null, AuditChain.GenesisHash));
    }

    [Theory]
    [InlineData("actor")]
    [InlineData("action")]
    [InlineData("subject")]
    [InlineData("detail")]
    [InlineData("at")]
    [InlineData("hash")]
    public void AChangedFieldIsNamedByItsEntry(string field)
    {
        var chain = Chain(8);
        var e = chain[4];
        chain[4] = field switch
        {
            "actor" => e with { Actor = "mallory" },
            "action" => e with { Action = "nothing" },
            "subject" => e with { Subject = "other" },
            "detail" => e with { DetailJson = """{"n":999}""" },
            "at" => e with { At = e.At.AddSeconds(-1) },
            _ => e with { Hash = new string('f', 64) },
        };
        Assert.Equal(5L, AuditChain.Verify(chain));
        Assert.Contains("do not match its hash", AuditChain.Check(chain).Break!.Reason);
    }

    [Fact]
    public void ARehashedEntryBreaksAtTheNextEntry()
    {
        var chain = Chain(6);
        var forged = chain[2] with { Actor = "mallory" };
        chain[2] = forged with { Hash = AuditChain.ComputeHash(forged) };
        var check = AuditChain.Check(chain);
        Assert.Equal(4L, check.Break!.Seq);
        Assert.Contains("previous hash", check.Break.Reason);
        Assert.Equal(4L, check.Count);
    }

    [Fact]
    public void ARemovedEntryIsNamedByTheEntryFoundInItsPlace()
    {
        var chain = Chain(6);
        chain.RemoveAt(3);
        var check = AuditChain.Check(chain);
        Assert.Equal(5L, check.Break!.Seq);
        Assert.Contains("entry 4 is missing", check.Break.Reason);

        var withoutFirst = Chain(3).Skip(1);
        Assert.Equal(2L, AuditChain.Verify(withoutFirst));
    }

    [Fact]
    public void SwappedEntriesAreNamedByTheFirstOneOutOfPlace()
    {
        var chain = Chain(6);
        (chain[2], chain[3]) = (chain[3], chain[2]);
        var check = AuditChain.Check(chain);
        Assert.Equal(4L, check.Break!.Seq);
        Assert.Contains("entry 3 is missing", check.Break.Reason);

        // Swapped and renumbered (seq edited to fit): the hashes still give it away.
        var renumbered = Chain(6);
        var (third, fourth) = (renumbered[2], renumbered[3]);
        renumbered[2] = fourth with { Seq = 3 };
        renumbered[3] = third with { Seq = 4 };
        Assert.Equal(3L, AuditChain.Verify(renumbered));
    }

    [Fact]
    public void ADuplicatedEntryIsOutOfOrder()
    {
        var chain = Chain(4);
        chain.Insert(2, chain[1]);
        var check = AuditChain.Check(chain);
        Assert.Equal(2L, check.Break!.Seq);
        Assert.Contains("out of order", check.Break.Reason);
    }

    [Fact]
    public void TimeNeverGoesBackwardsAlongTheChain()
    {
        var first = AuditChain.Next(null, Start, "a", "b", "c", null);
        var second = AuditChain.Next(first, Start.AddMinutes(-5), "a", "b", "c", null);
        Assert.Equal(first.At, second.At);
        Assert.Null(AuditChain.Verify([first, second]));
    }
}
