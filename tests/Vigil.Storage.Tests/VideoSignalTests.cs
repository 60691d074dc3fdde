using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;

namespace Vigil.Storage.Tests;

/// <summary>Video content in the store: vpdq (the text form) and video_md5 signals, on both backends.</summary>
public abstract class VideoSignalTests(IStoreBackend backend) : StoreContractTests(backend)
{
    /// <summary>A synthetic video: <paramref name="count"/> random frames, one per second, with one repeat and one low-quality frame.</summary>
    internal static IReadOnlyList<VpdqFrame> Frames(int seed, int count = 12)
    {
        var random = new Random(seed);
        var frames = new List<VpdqFrame>();
        for (int i = 0; i < count; i++)
            frames.Add(new VpdqFrame(i * 30, i == 3 ? 20 : 100, Signals.RandomPdqHash(random), i));
        frames.Add(frames[0] with { FrameNumber = count * 30, TimestampSeconds = count });
        return frames;
    }

    private static NewContent Video(int seed, IReadOnlyList<VpdqFrame>? frames = null) =>
        new([VpdqSignal.Create(frames ?? Frames(seed)), Signal.Create(SignalType.VideoMd5, $"{seed:x32}")]) { Metadata = "{\"file_name\":\"v.mp4\"}" };

    [Fact]
    public async Task A_video_round_trips_with_its_vpdq_text_and_md5()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store;
        await store.CreateBankAsync(new NewBank("VIDEOS"));
        var frames = Frames(1);
        var added = await store.AddContentAsync("VIDEOS", Video(1, frames));

        var read = await store.GetContentAsync(added.Id);
        Assert.NotNull(read);
        Assert.Equal([SignalType.Vpdq, SignalType.VideoMd5], read.Signals.Select(s => s.Type));
        var back = VpdqSignal.Parse(read.Signals[0].Value);
        Assert.Equal(frames.Select(f => (f.FrameNumber, f.Quality, f.Hash)), back.Select(f => (f.FrameNumber, f.Quality, f.Hash)));
        Assert.Equal(VpdqSignal.Format(frames), read.Signals[0].Value);

        // Exact lookups by either signal; the same video again is a duplicate.
        Assert.Equal(added.Id, Assert.Single(await store.LookupSignalAsync(read.Signals[0])).ContentId);
        Assert.Equal(added.Id, Assert.Single(await store.LookupSignalAsync(read.Signals[1])).ContentId);
        var again = await store.ImportAsync("VIDEOS", [ImportItem.Add(Video(1, frames))]);
        Assert.Equal((0, 1), (again.Added, again.Unchanged));
        Assert.Equal(1, await store.CountContentAsync("VIDEOS"));
    }

    [Fact]
    public async Task The_index_feed_gives_each_matchable_frame_of_a_video_once_and_images_as_before()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store;
        await store.CreateBankAsync(new NewBank("MIXED"));
        var frames = Frames(2);
        var video = await store.AddContentAsync("MIXED", Video(2, frames));
        var image = await store.AddContentAsync("MIXED", new NewContent([Signals.Pdq(7)]));

        var entries = new List<PdqFeedEntry>();
        await store.ReadPdqSignalsAsync(entries.Add);
        var videoEntries = entries.Where(e => e.ContentId == video.Id).ToList();
        // 13 frames: one repeats the first, one has quality 20: 11 matchable hashes.
        Assert.Equal(11, videoEntries.Count);
        Assert.All(videoEntries, e => Assert.True(e.IsVideoFrame));
        Assert.Equal(VpdqSignal.MatchableHashes(frames).OrderBy(h => h.ToString()), videoEntries.Select(e => e.Hash).OrderBy(h => h.ToString()));
        var imageEntry = Assert.Single(entries, e => e.ContentId == image.Id);
        Assert.False(imageEntry.IsVideoFrame);

        // The feed for other uses (PSI lists) stays PDQ only.
        var pdqOnly = new List<PdqFeedEntry>();
        await foreach (var entry in store.StreamPdqSignalsAsync())
            pdqOnly.Add(entry);
        Assert.Equal(image.Id, Assert.Single(pdqOnly).ContentId);
    }

    [Fact]
    public async Task The_change_log_carries_the_vpdq_text_on_add_and_remove()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store;
        await store.CreateBankAsync(new NewBank("VIDEOS"));
        long before = await store.GetLatestChangeSeqAsync();
        var added = await store.AddContentAsync("VIDEOS", Video(3));
        Assert.True(await store.RemoveContentAsync(added.Id));

        var changes = await store.ReadChangesAsync(before, 100);
        var vpdq = changes.Where(c => c.Signal.Type == SignalType.Vpdq).ToList();
        Assert.Equal([ChangeOperation.Add, ChangeOperation.Remove], vpdq.Select(c => c.Operation));
        Assert.All(vpdq, c => Assert.Equal(added.Signals[0].Value, c.Signal.Value));
        Assert.Equal(2, changes.Count(c => c.Signal.Type == SignalType.VideoMd5));
    }

    [Fact]
    public async Task A_vpdq_value_not_in_canonical_form_is_refused()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("VIDEOS"));
        var text = VpdqSignal.Format(Frames(4)) + "\n";
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Store.AddContentAsync("VIDEOS", new NewContent([new Signal(SignalType.Vpdq, text.ToUpperInvariant())])));
        Assert.Contains("not a canonical vpdq value", error.Message);
    }
}

public sealed class SqliteVideoSignalTests() : VideoSignalTests(SqliteBackend.Instance);

public sealed class PostgresVideoSignalTests(PostgresDatabase database) : VideoSignalTests(database), IClassFixture<PostgresDatabase>;
