using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Testing;

namespace Vigil.Video.Tests;

/// <summary>The exchanges' video rule on the reference's own vPDQ hashes (benign sample videos), and its kernel.</summary>
public sealed class VideoMatchRuleTests
{
    private static IReadOnlyList<VpdqFrame> Read(string name) =>
        VpdqFormat.Parse(File.ReadAllText(Fixtures.ThreatExchange($"vpdq/sample-hashes/{name}.txt")));

    public static TheoryData<string> EditsOfChair22 => new() { "chair-22-sd-grey-bar", "chair-22-with-small-logo-bar", "chair-22-sd-sepia-bar" };

    [Theory]
    [MemberData(nameof(EditsOfChair22))]
    public void An_edited_copy_matches_its_original(string edit)
    {
        var rule = new VideoMatchRule();
        var comparison = rule.Compare(Read(edit), Read("chair-orig-22-sd-bar"));
        Assert.True(comparison.QueryPercent >= 80, $"{edit}: query {comparison.QueryPercent:F1}%");
        Assert.True(rule.IsMatch(comparison));
        Assert.True(comparison.ComparedPercent >= 80, $"{edit}: compared {comparison.ComparedPercent:F1}%");
    }

    [Fact]
    public void Unrelated_videos_do_not_match()
    {
        var rule = new VideoMatchRule();
        var fixtures = rule.Compare(Read("doorknob-hd-no-bar"), Read("test-padded-dimensions"));
        Assert.False(rule.IsMatch(fixtures), $"doorknob vs padded: {fixtures.QueryPercent:F1}%");
        var pattern = rule.Compare(Read("pattern-hd-no-bar"), Read("chair-orig-22-sd-bar"));
        Assert.False(rule.IsMatch(pattern), $"pattern vs chair: {pattern.QueryPercent:F1}%");
        Assert.True(pattern.QueryPercent < 20);
    }

    [Fact]
    public void A_video_matches_itself_at_100_percent_both_ways_and_counts_unique_good_frames()
    {
        var frames = Read("doorknob-hd-no-bar");
        var rule = new VideoMatchRule();
        var comparison = rule.Compare(frames, frames);
        int unique = frames.Where(f => f.Quality >= 50).Select(f => f.Hash).Distinct().Count();
        Assert.Equal(new VideoComparison(unique, unique, unique, unique), comparison);
        Assert.True(unique < frames.Count); // the sample holds repeated frames
    }

    [Fact]
    public void The_distance_bar_is_inclusive_at_31()
    {
        var random = new Random(5);
        var a = RandomHash(random);
        var at31 = Flip(a, 31);
        var at32 = Flip(a, 32);
        var rule = new VideoMatchRule();
        Assert.Equal(100, rule.CompareMatchable([a], [at31]).QueryPercent);
        Assert.Equal(0, rule.CompareMatchable([a], [at32]).QueryPercent);
    }

    [Fact]
    public void The_percentages_follow_the_rule_on_a_constructed_case()
    {
        // Query: 5 frames, 4 of them near a bank frame; bank: 10 frames, 2 of them near a query frame.
        var random = new Random(6);
        var bank = Enumerable.Range(0, 10).Select(_ => RandomHash(random)).ToArray();
        var query = new[] { Flip(bank[0], 3), Flip(bank[0], 5), Flip(bank[1], 31), Flip(bank[1], 10), RandomHash(random) };
        var comparison = new VideoMatchRule().CompareMatchable(query, bank);
        Assert.Equal((80.0, 20.0), (comparison.QueryPercent, comparison.ComparedPercent));
        Assert.True(new VideoMatchRule().IsMatch(comparison));
        Assert.False(new VideoMatchRule(new VideoMatchOptions { QueryPercent = 81 }).IsMatch(comparison));
        Assert.False(new VideoMatchRule(new VideoMatchOptions { ComparedPercent = 50 }).IsMatch(comparison));
    }

    [Fact]
    public void The_vectorised_kernel_agrees_with_the_scalar_one()
    {
        var random = new Random(7);
        foreach (var (queries, banks) in new[] { (1, 1), (3, 5), (17, 33), (64, 130), (200, 7) })
        {
            var bank = Enumerable.Range(0, banks).Select(_ => RandomHash(random)).ToArray();
            // Near copies at every distance around the bar, and random frames.
            var query = Enumerable.Range(0, queries).Select(i => i % 3 == 2 ? RandomHash(random) : Flip(bank[random.Next(banks)], random.Next(20, 45))).ToArray();
            var limbs = new FrameLimbs(bank);
            bool[] q1 = new bool[queries], b1 = new bool[banks], q2 = new bool[queries], b2 = new bool[banks];
            HammingKernel.MarkWithin(query, limbs, 31, q1, b1);
            HammingKernel.MarkWithinScalar(query, limbs, 31, q2, b2);
            Assert.Equal(q2, q1);
            Assert.Equal(b2, b1);
            for (int i = 0; i < queries; i++)
                Assert.Equal(bank.Any(b => PdqHash.Distance(b, query[i]) <= 31), q1[i]);
        }
    }

    [Fact]
    public void A_vpdq_signal_reads_the_text_form_and_HMA_json_into_one_canonical_form()
    {
        var frames = Read("test-padded-dimensions").Take(3).ToList();
        string text = VpdqFormat.Format(frames);
        Assert.True(SignalType.Vpdq.TryNormalize(text, out var fromText, out var error), error);
        string json = "{" + string.Join(",", frames.Select(f =>
            $"\"{f.FrameNumber}\":{{\"quality\":{f.Quality},\"hash\":\"{f.Hash.ToString().ToUpperInvariant()}\",\"timestamp\":{f.TimestampSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}")) + "}";
        Assert.True(SignalType.Vpdq.TryNormalize(json, out var fromJson, out error), error);
        Assert.Equal(fromText, fromJson);
        Assert.Equal(text.TrimEnd('\n'), fromText);
        Assert.True(SignalType.Vpdq.IsCanonical(fromText));
        Assert.False(SignalType.Vpdq.TryNormalize("0,100,zz,0.000", out _, out error));
        Assert.Contains("line 1", error);
        Assert.False(SignalType.Vpdq.TryNormalize("   ", out _, out _));
        Assert.True(SignalType.TryFromName("VIDEO_MD5", out var md5) && md5 == SignalType.VideoMd5);
        Assert.DoesNotContain(SignalType.Vpdq, SignalType.All); // the hash-list formats' columns are unchanged
    }

    [Fact]
    public void A_vpdq_signal_reads_HMAs_compact_list_with_list_places_for_frame_numbers()
    {
        var frames = Read("doorknob-hd-no-bar").Take(4).ToList();
        // python-threatexchange's newer form: "pdqHex,quality,timestamp", no frame numbers.
        string json = "[" + string.Join(", ", frames.Select(f =>
            $"\"{f.Hash},{f.Quality},{f.TimestampSeconds.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture)}\"")) + "]";
        Assert.True(SignalType.Vpdq.TryNormalize(json, out var value, out var error), error);
        var read = VpdqSignal.Parse(value);
        Assert.Equal(frames.Count, read.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(i, read[i].FrameNumber);
            Assert.Equal(frames[i].Hash, read[i].Hash);
            Assert.Equal(frames[i].Quality, read[i].Quality);
            Assert.Equal(frames[i].TimestampSeconds, read[i].TimestampSeconds, 3);
        }
        Assert.Equal(VpdqSignal.MatchableHashes(frames), VpdqSignal.MatchableHashes(value));

        foreach (string bad in new[] { "[]", "[1]", "[\"abc,100,0.0\"]", $"[\"{frames[0].Hash},101,0.0\"]", $"[\"{frames[0].Hash},100\"]",
                     $"[\"{frames[0].Hash},100,-1\"]", $"[\"{frames[0].Hash},100,0.0,7\"]", "[\"" + frames[0].Hash + ",100,0.0\"" })
            Assert.False(SignalType.Vpdq.TryNormalize(bad, out _, out _), bad);
    }

    internal static PdqHash RandomHash(Random random)
    {
        var hash = new PdqHash[1];
        random.NextBytes(MemoryMarshal.AsBytes(hash.AsSpan()));
        return hash[0];
    }

    /// <summary>Flips exactly <paramref name="bits"/> distinct bits (spread over all four limbs).</summary>
    internal static PdqHash Flip(PdqHash hash, int bits)
    {
        var limbs = new ulong[4];
        for (int i = 0; i < 4; i++)
            limbs[i] = hash.GetLimb(i);
        for (int b = 0; b < bits; b++)
        {
            int bit = b * 7 % 256; // distinct for b < 256 (7 and 256 are coprime)
            limbs[bit >> 6] ^= 1UL << (bit & 63);
        }
        return new PdqHash(limbs[0], limbs[1], limbs[2], limbs[3]);
    }
}
