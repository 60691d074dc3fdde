using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Banks.Tests;

/// <summary>Video frames in the bank index: a frame lookup finds the video's content, loaded or followed from the change log.</summary>
public sealed class VideoIndexTests : SqliteStoreTest
{
    private static List<VpdqFrame> Frames(Random rng, int count)
    {
        var frames = new List<VpdqFrame>();
        for (int i = 0; i < count; i++)
            frames.Add(new VpdqFrame(i * 25, 100, RandomHash(rng), i));
        return frames;
    }

    private static NewContent Video(IReadOnlyList<VpdqFrame> frames) => new([VpdqSignal.Create(frames)]);

    [Fact]
    public async Task Every_good_frame_of_a_loaded_video_finds_its_content_and_says_vpdq()
    {
        var rng = new Random(11);
        await using var store = await SqliteVigilStore.OpenAsync(DbPath);
        await store.CreateBankAsync(new NewBank("VIDEOS"));
        var frames = Frames(rng, 8);
        frames[5] = frames[5] with { Quality = 30 };
        frames.Add(frames[0] with { FrameNumber = 500 });
        var video = await store.AddContentAsync("VIDEOS", Video(frames));
        var imageHash = RandomHash(rng);
        var image = await store.AddContentAsync("VIDEOS", new NewContent([new Signal(SignalType.Pdq, imageHash.ToString())]));

        var matcher = await BankMatcher.LoadAsync(store, [], null, default);
        Assert.Equal(8, matcher.HashCount); // 7 good unique frames and the image
        for (int i = 0; i < 8; i++)
        {
            var outcome = await matcher.MatchAsync([Flip(frames[i].Hash, 4)], 31, null, withContent: false, default);
            if (i == 5)
            {
                Assert.Empty(outcome.Matches); // quality 30 is not indexed
                continue;
            }
            var match = Assert.Single(outcome.Matches);
            Assert.Equal((video.Id, SignalType.Vpdq, 4), (match.ContentId, match.Signal, match.Distance));
        }
        var imageMatch = Assert.Single((await matcher.MatchAsync([imageHash], 31, null, default)).Matches);
        Assert.Equal((image.Id, SignalType.Pdq), (imageMatch.ContentId, imageMatch.Signal));
    }

    [Fact]
    public async Task A_follower_applies_video_adds_and_removals_from_the_change_log()
    {
        var rng = new Random(12);
        await using var writer = await SqliteVigilStore.OpenAsync(DbPath);
        await using var reader = await SqliteVigilStore.OpenAsync(DbPath);
        await writer.CreateBankAsync(new NewBank("VIDEOS"));
        var matcher = await BankMatcher.LoadAsync(reader, [], null, default);
        Assert.Equal(0, matcher.HashCount);

        var frames = Frames(rng, 6);
        var video = await writer.AddContentAsync("VIDEOS", Video(frames));
        await matcher.CatchUpAsync(default);
        Assert.Equal(6, matcher.HashCount);
        var match = Assert.Single((await matcher.MatchAsync([frames[3].Hash], 31, null, withContent: false, default)).Matches);
        Assert.Equal(video.Id, match.ContentId);

        var candidates = await matcher.FindVideoCandidatesAsync(frames.Select(f => Flip(f.Hash, 2)).ToArray(), 31, null, default);
        var candidate = Assert.Single(candidates);
        Assert.Equal((video.Id, 6, false), (candidate.ContentId, candidate.QueryFramesHit, candidate.IsNegative));
        var read = await matcher.ReadVideoAsync(video.Id, 50, default);
        Assert.Equal(frames.Select(f => f.Hash), read!.Frames);

        await writer.RemoveContentAsync(video.Id);
        await matcher.CatchUpAsync(default);
        Assert.Empty((await matcher.MatchAsync([frames[3].Hash], 31, null, withContent: false, default)).Matches);
        Assert.Empty(await matcher.FindVideoCandidatesAsync(frames.Select(f => f.Hash).ToArray(), 31, null, default));
    }

    [Fact]
    public async Task Video_candidates_apply_the_bank_rules_and_find_the_exact_file_by_video_md5()
    {
        var rng = new Random(13);
        await using var store = await SqliteVigilStore.OpenAsync(DbPath);
        await store.CreateBankAsync(new NewBank("VIDEOS"));
        await store.CreateBankAsync(new NewBank("OTHER"));
        await store.CreateBankAsync(new NewBank("FALSE_POSITIVES") { IsNegative = true });
        var frames = Frames(rng, 5);
        var known = await store.AddContentAsync("VIDEOS", new NewContent([VpdqSignal.Create(frames), new Signal(SignalType.VideoMd5, new string('a', 32))]));
        var other = await store.AddContentAsync("OTHER", Video(frames.Take(2).ToList()));
        var negative = await store.AddContentAsync("FALSE_POSITIVES", Video(frames.Skip(4).ToList()));
        var md5Only = await store.AddContentAsync("VIDEOS", new NewContent([new Signal(SignalType.VideoMd5, new string('b', 32))]));

        var selected = await BankMatcher.LoadAsync(store, ["VIDEOS"], null, default);
        var query = frames.Select(f => f.Hash).ToArray();
        var candidates = await selected.FindVideoCandidatesAsync(query, 31, new string('b', 32), default);
        Assert.Equal(
            [(known.Id, 5, false, false), (negative.Id, 1, false, true), (md5Only.Id, 0, true, false)],
            candidates.Select(c => (c.ContentId, c.QueryFramesHit, c.ExactMd5, c.IsNegative)));
        Assert.DoesNotContain(candidates, c => c.ContentId == other.Id);

        await store.UpdateBankAsync("VIDEOS", new BankUpdate { Enabled = false });
        await selected.CatchUpAsync(default);
        Assert.DoesNotContain(await selected.FindVideoCandidatesAsync(query, 31, null, default), c => c.ContentId == known.Id);
    }
}
