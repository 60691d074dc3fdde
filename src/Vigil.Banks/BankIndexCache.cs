using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Banks;

/// <summary>
/// The in-memory index over every PDQ signal in a store (and every matchable frame of every vpdq
/// signal, under the key <see cref="VideoKey"/>), kept between runs as a snapshot in the
/// store's <see cref="IVigilStore.IndexSnapshots"/> (SQLite: a file next to the database,
/// <c>vigil.db.pdq-index</c>; PostgreSQL: the <c>index_snapshots</c> table, so every replica can
/// start from it) tagged with the change sequence number it reflects: a later run loads it (0.4 s
/// at ten million hashes from a file, instead of ~20 s from the rows) and replays the changes since.
/// Small stores are simply read; the snapshot only pays off from <see cref="MinimumHashes"/> up.
/// </summary>
/// <remarks>
/// <para>Changes are applied exactly once: the store commits change numbers in order and reads the
/// signals together with the number they reflect (<see cref="IChangeFeed.ReadPdqSignalsAsync"/>),
/// so the index never replays a change it already holds (<see cref="PdqIndex.Add"/> is not
/// idempotent).</para>
/// <para>A snapshot is saved when the index had to be built from the rows, when loading replayed
/// many changes on top of one, and by a following replica (see <see cref="ReplayAsync"/>) when it
/// has applied many changes since the stored snapshot (<see cref="SnapshotThreshold"/>), at most
/// once every <see cref="MinimumSnapshotInterval"/>, in the background.</para>
/// </remarks>
internal static class BankIndexCache
{
    public const int MinimumHashes = 100_000;

    /// <summary>A following replica saves a snapshot after at most this many changes since the stored one.</summary>
    public const int MaximumChangesBetweenSnapshots = 100_000;

    /// <summary>A following replica tries to save a snapshot at most this often.</summary>
    public static readonly TimeSpan MinimumSnapshotInterval = TimeSpan.FromMinutes(5);

    private const int ChangePage = 10_000;

    // The followers of indexes loaded by LoadAsync: what they have applied and snapshotted.
    private static readonly ConditionalWeakTable<PdqIndex, Follower> s_followers = new();

    /// <summary>Where the SQLite store at <paramref name="databasePath"/> keeps its snapshot (its <see cref="IIndexSnapshotStore.Location"/>).</summary>
    public static string PathFor(string databasePath) => databasePath + ".pdq-index";

    /// <summary>How many changes after the stored snapshot make a new one worth saving: 10% of the index, at most <see cref="MaximumChangesBetweenSnapshots"/>.</summary>
    public static long SnapshotThreshold(int hashCount) => Math.Clamp(hashCount / 10, 1, MaximumChangesBetweenSnapshots);

    /// <summary>
    /// Loads the index (from the snapshot when there is a usable one) and, beside it, the index of the banks' own
    /// variants (<see cref="SignalType.PdqVariant"/>; never in the snapshot: only banks built from media have them, and
    /// only robust queries search them), both reflecting the returned change.
    /// </summary>
    public static async Task<(PdqIndex Index, PdqIndex Variants, long Seq)> LoadAsync(IChangeFeed feed, IIndexSnapshotStore snapshots, TextWriter? log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        bool replace = false;
        try
        {
            PdqIndex? cached = null;
            long tag = 0;
            if (await snapshots.TryLoadAsync(stream => cached = PdqIndex.Load(stream, out tag), ct))
            {
                // Read after the snapshot: one that another replica stores meanwhile is then never "newer". The
                // variants are read as of the latest change, and the snapshot's hashes brought up to it.
                var (variants, latest) = await ReadVariantsAsync(feed, ct);
                if (tag <= latest)
                {
                    double loadSeconds = clock.Elapsed.TotalSeconds;
                    long applied = await ApplyAsync(feed, cached!, null, tag, latest, null, ct);
                    BankIndexLog.Information(
                        $"loaded the index snapshot from {snapshots.Location}: {cached!.Count:N0} PDQ hashes at change {latest} " +
                        $"(snapshot of change {tag} in {loadSeconds:F1} s, then {applied:N0} PDQ changes applied)");
                    long snapshotSeq = tag;
                    if (latest - tag >= SnapshotThreshold(cached.Count) && await TrySaveAsync(snapshots, cached, latest, log, ct))
                        snapshotSeq = latest;
                    s_followers.AddOrUpdate(cached, new Follower(snapshots, latest, snapshotSeq));
                    return (cached, variants, latest);
                }
                log?.WriteLine($"warning: the index snapshot {snapshots.Location} is newer than the database (change {tag} > {latest}); rebuilding it");
                replace = true;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            log?.WriteLine($"warning: ignoring the index snapshot {snapshots.Location}: {e.Message}; rebuilding it");
            replace = true;
        }

        clock.Restart();
        var hashes = new List<PdqHash>();
        var keys = new List<int>();
        var variantHashes = new List<PdqHash>();
        var variantKeys = new List<int>();
        // Every bank's signals (the matcher applies the banks' settings at match time), read in one
        // snapshot with the change they reflect, so a bank created meanwhile is not missed.
        long seq = await feed.ReadPdqSignalsAsync(entry =>
        {
            if (entry.IsBankVariant)
            {
                variantHashes.Add(entry.Hash);
                variantKeys.Add(Key(entry.ContentId));
                return;
            }
            hashes.Add(entry.Hash);
            keys.Add(entry.IsVideoFrame ? VideoKey(entry.ContentId) : Key(entry.ContentId));
        }, ct);
        var index = PdqIndex.Build(CollectionsMarshal.AsSpan(hashes), CollectionsMarshal.AsSpan(keys));
        var bankVariants = PdqIndex.Build(CollectionsMarshal.AsSpan(variantHashes), CollectionsMarshal.AsSpan(variantKeys));
        BankIndexLog.Information($"built the index from the store: {index.Count:N0} PDQ hashes at change {seq} in {clock.Elapsed.TotalSeconds:F1} s");
        long saved = 0;
        if (index.Count >= MinimumHashes)
        {
            if (replace)
                await TryDeleteAsync(snapshots, log, ct);
            if (await TrySaveAsync(snapshots, index, seq, log, ct))
                saved = seq;
        }
        else if (replace)
        {
            await TryDeleteAsync(snapshots, log, ct);
        }
        s_followers.AddOrUpdate(index, new Follower(snapshots, seq, saved));
        return (index, bankVariants, seq);
    }

    /// <summary>The index of every pdq_variant signal, and the change it reflects.</summary>
    private static async Task<(PdqIndex Variants, long Seq)> ReadVariantsAsync(IChangeFeed feed, CancellationToken ct)
    {
        var hashes = new List<PdqHash>();
        var keys = new List<int>();
        long seq = await feed.ReadPdqVariantSignalsAsync(entry =>
        {
            hashes.Add(entry.Hash);
            keys.Add(Key(entry.ContentId));
        }, ct);
        return (PdqIndex.Build(CollectionsMarshal.AsSpan(hashes), CollectionsMarshal.AsSpan(keys)), seq);
    }

    /// <summary>
    /// Applies the PDQ changes in (after, upTo] (pdq_variant ones to <paramref name="variants"/>) and returns how many
    /// there were. For an index from <see cref="LoadAsync"/> it also remembers how far it got, so a replay cut short by
    /// an error is resumed where it stopped, never applied twice; and it considers saving a snapshot in the
    /// background (see the class remarks).
    /// </summary>
    public static async Task<long> ReplayAsync(IChangeFeed feed, PdqIndex index, PdqIndex variants, long after, long upTo, CancellationToken ct)
    {
        if (!s_followers.TryGetValue(index, out var follower))
            return await ApplyAsync(feed, index, variants, after, upTo, null, ct);
        await follower.Gate.WaitAsync(ct);
        try
        {
            long applied = await ApplyAsync(feed, index, variants, Math.Max(after, follower.IndexSeq), upTo, follower, ct);
            follower.ConsiderSnapshot(index);
            return applied;
        }
        finally
        {
            follower.Gate.Release();
        }
    }

    /// <summary>
    /// Applies the changes in (after, upTo], the pdq_variant ones to <paramref name="variants"/> (skipped when null: a
    /// snapshot brought up to variants already read); records progress in <paramref name="follower"/> as it goes.
    /// </summary>
    private static async Task<long> ApplyAsync(IChangeFeed feed, PdqIndex index, PdqIndex? variants, long after, long upTo, Follower? follower, CancellationToken ct)
    {
        long applied = 0;
        // Additions go in as runs (one AddRange each, not one copy of the index's tail per hash: that
        // made a backfill allocate hundreds of MB/s and the GC's pauses stalled lookups); a removal
        // first flushes the run before it, so the changes still apply in their order.
        var adds = new PendingAdds(index, variants, follower);
        while (after < upTo)
        {
            var changes = await feed.ReadChangesAsync(after, ChangePage, ct);
            if (changes.Count == 0)
                break;
            foreach (var change in changes)
            {
                if (change.Seq > upTo)
                    break;
                if (change.Signal.Type == SignalType.Pdq)
                {
                    adds.Apply(PdqHash.Parse(change.Signal.Value), Key(change.ContentId), change.Operation, change.Seq, bankVariant: false);
                    applied++;
                }
                else if (change.Signal.Type == SignalType.PdqVariant && variants is not null)
                {
                    adds.Apply(PdqHash.Parse(change.Signal.Value), Key(change.ContentId), change.Operation, change.Seq, bankVariant: true);
                    applied++;
                }
                else if (change.Signal.Type == SignalType.Vpdq)
                {
                    // A video's matchable frames, under its video key (as the feed gives them).
                    int key = VideoKey(change.ContentId);
                    foreach (var frame in VpdqSignal.MatchableHashes(change.Signal.Value))
                        adds.Apply(frame, key, change.Operation, change.Seq, bankVariant: false);
                    applied++;
                }
                after = change.Seq;
            }
            adds.Flush();
            if (follower is not null)
                follower.IndexSeq = after;
            if (changes[^1].Seq > upTo)
                break;
        }
        if (follower is not null)
            follower.IndexSeq = Math.Max(follower.IndexSeq, upTo);
        return applied;
    }

    /// <summary>
    /// The runs of additions not yet in the index and the variants' index (applied at a removal, and at the end of
    /// each page of changes). The follower learns each change's sequence number only once it is in its index, so a
    /// replay cut short resumes after what was applied.
    /// </summary>
    private sealed class PendingAdds(PdqIndex index, PdqIndex? variants, Follower? follower)
    {
        private readonly Run _index = new(index);
        private readonly Run? _variants = variants is null ? null : new Run(variants);
        private long _lastSeq;

        public void Apply(in PdqHash hash, int key, ChangeOperation operation, long seq, bool bankVariant)
        {
            var run = bankVariant ? _variants! : _index;
            if (operation == ChangeOperation.Add)
            {
                run.Add(hash, key);
                _lastSeq = seq;
                return;
            }
            Flush();
            run.Remove(hash, key);
            if (follower is not null)
                follower.IndexSeq = seq;
        }

        public void Flush()
        {
            bool any = _index.Flush() | (_variants?.Flush() ?? false);
            if (any && follower is not null)
                follower.IndexSeq = _lastSeq;
        }

        private sealed class Run(PdqIndex target)
        {
            private readonly List<PdqHash> _hashes = [];
            private readonly List<int> _keys = [];

            public void Add(in PdqHash hash, int key)
            {
                _hashes.Add(hash);
                _keys.Add(key);
            }

            public void Remove(in PdqHash hash, int key)
            {
                while (target.Remove(hash, key))
                {
                }
            }

            public bool Flush()
            {
                if (_hashes.Count == 0)
                    return false;
                target.AddRange(CollectionsMarshal.AsSpan(_hashes), CollectionsMarshal.AsSpan(_keys));
                _hashes.Clear();
                _keys.Clear();
                return true;
            }
        }
    }

    /// <summary>The index key of an image's pdq hash: the content id itself (0 and up).</summary>
    internal static int Key(long contentId) =>
        contentId is >= 0 and <= int.MaxValue ? (int)contentId : throw new InvalidOperationException($"content id {contentId} is beyond the index's 32-bit keys");

    /// <summary>
    /// The index key of a video's frame: the content id's complement (<c>~id</c>, below 0), so that
    /// a match says, without reading the store, that it hit a frame of a video.
    /// </summary>
    internal static int VideoKey(long contentId) => ~Key(contentId);

    /// <summary>The content id an index key stands for, and whether it is a video frame's key.</summary>
    internal static long ContentIdOf(int key, out bool isVideoFrame)
    {
        isVideoFrame = key < 0;
        return isVideoFrame ? ~key : key;
    }

    /// <summary>Saves a snapshot of an index nobody else is changing; false (after a warning) when it could not, or another was in the way.</summary>
    private static async Task<bool> TrySaveAsync(IIndexSnapshotStore snapshots, PdqIndex index, long seq, TextWriter? log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (!await snapshots.TrySaveAsync(seq, stream => index.Save(stream, seq), ct))
                return false;
            BankIndexLog.Information($"saved the index snapshot to {snapshots.Location}: {index.Count:N0} PDQ hashes at change {seq} in {clock.Elapsed.TotalSeconds:F1} s");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbException)
        {
            log?.WriteLine($"warning: could not save the index snapshot {snapshots.Location}: {e.Message} (matching still works; the next run rebuilds it)");
            return false;
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // DeleteOnClose removes it later.
        }
    }

    private static async Task TryDeleteAsync(IIndexSnapshotStore snapshots, TextWriter? log, CancellationToken ct)
    {
        try
        {
            await snapshots.DeleteAsync(ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbException)
        {
            // A stale snapshot is refused by its tag anyway.
            log?.WriteLine($"warning: could not delete the index snapshot {snapshots.Location}: {e.Message}");
        }
    }

    /// <summary>
    /// What a following index has applied and snapshotted. <see cref="Gate"/> is held while changes
    /// are applied and while a snapshot is written to a local file, so the snapshot is exactly the
    /// index at <see cref="IndexSeq"/> (the index's removals change its levels in place).
    /// </summary>
    private sealed class Follower(IIndexSnapshotStore snapshots, long indexSeq, long snapshotSeq)
    {
        private long _indexSeq = indexSeq;
        private long _snapshotSeq = snapshotSeq;
        private long _lastAttempt = long.MinValue;
        private Task? _saving;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The change the index reflects (written under <see cref="Gate"/>).</summary>
        public long IndexSeq
        {
            get => Interlocked.Read(ref _indexSeq);
            set => Interlocked.Exchange(ref _indexSeq, value);
        }

        /// <summary>Starts a background save when one is due (called under <see cref="Gate"/>).</summary>
        public void ConsiderSnapshot(PdqIndex index)
        {
            int count = index.Count;
            if (count < MinimumHashes || IndexSeq - Interlocked.Read(ref _snapshotSeq) < SnapshotThreshold(count))
                return;
            if (_saving is { IsCompleted: false })
                return;
            long now = Environment.TickCount64;
            if (_lastAttempt != long.MinValue && now - _lastAttempt < (long)MinimumSnapshotInterval.TotalMilliseconds)
                return;
            _lastAttempt = now;
            _saving = Task.Run(() => SaveAsync(index));
        }

        private async Task SaveAsync(PdqIndex index)
        {
            try
            {
                // Another replica may have stored one since: then there is nothing to do yet.
                if (await snapshots.GetSeqAsync() is { } stored && stored > Interlocked.Read(ref _snapshotSeq))
                    Interlocked.Exchange(ref _snapshotSeq, stored);
                if (IndexSeq - Interlocked.Read(ref _snapshotSeq) < SnapshotThreshold(index.Count))
                    return;

                // The follower waits only while the snapshot goes to a local file (0.1 s per million
                // hashes); the slower copy into the store happens after, while it follows again.
                var clock = Stopwatch.StartNew();
                string temporary = Path.Combine(Path.GetTempPath(), $"vigil-index-{Environment.ProcessId}-{Guid.NewGuid():N}.snapshot");
                await using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, 1 << 20,
                    FileOptions.DeleteOnClose);
                // Unlinked at once where the system allows it (the open handle keeps the space): nothing is left behind even if the process dies.
                TryDeleteFile(temporary);
                long tag;
                await Gate.WaitAsync();
                try
                {
                    tag = IndexSeq;
                    index.Save(file, tag);
                }
                finally
                {
                    Gate.Release();
                }
                if (await snapshots.TrySaveAsync(tag, stream =>
                {
                    file.Position = 0;
                    file.CopyTo(stream, 1 << 20);
                }))
                {
                    Interlocked.Exchange(ref _snapshotSeq, tag);
                    BankIndexLog.Information(
                        $"saved the index snapshot to {snapshots.Location}: {index.Count:N0} PDQ hashes at change {tag} " +
                        $"({file.Length / 1e6:F0} MB in {clock.Elapsed.TotalSeconds:F1} s)");
                }
                else if (await snapshots.GetSeqAsync() is { } newer && newer > Interlocked.Read(ref _snapshotSeq))
                {
                    Interlocked.Exchange(ref _snapshotSeq, newer);
                }
            }
            catch (Exception e)
            {
                BankIndexLog.Warning(
                    $"could not save the index snapshot {snapshots.Location}: {e.Message} (matching still works; trying again in {MinimumSnapshotInterval.TotalMinutes:0} minutes)");
            }
        }
    }
}

/// <summary>
/// Where the bank index reports how it was loaded (from a snapshot or from the store) and when it
/// saves snapshots, for a service's log. Reports go to the listener of the asynchronous flow that
/// loads or follows the index (see <see cref="Listen"/>), and nowhere without one: a CLI run stays quiet.
/// </summary>
public static class BankIndexLog
{
    private static readonly AsyncLocal<Listener?> s_listener = new();

    /// <summary>
    /// Sends the reports made from the calling asynchronous flow, and from tasks it starts (a
    /// background snapshot), to <paramref name="information"/> and <paramref name="warning"/>, until
    /// the returned object is disposed.
    /// </summary>
    public static IDisposable Listen(Action<string> information, Action<string> warning)
    {
        ArgumentNullException.ThrowIfNull(information);
        ArgumentNullException.ThrowIfNull(warning);
        var listener = new Listener(information, warning, s_listener.Value);
        s_listener.Value = listener;
        return listener;
    }

    internal static void Information(string message) => s_listener.Value?.Information(message);

    internal static void Warning(string message) => s_listener.Value?.Warning(message);

    private sealed class Listener(Action<string> information, Action<string> warning, Listener? previous) : IDisposable
    {
        public Action<string> Information { get; } = information;
        public Action<string> Warning { get; } = warning;

        public void Dispose()
        {
            if (ReferenceEquals(s_listener.Value, this))
                s_listener.Value = previous;
        }
    }
}
