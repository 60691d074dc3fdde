using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Pdq;
using Vigil.Video.Guard;

namespace Vigil.Video.Tests;

/// <summary>
/// <see cref="FrameGuard"/>'s guarantee: every frame that leaves is covered by a passed check at or after it, so a known
/// scene entering a stream never leaves, not one frame; an unrelated stream leaves unchanged, in order, within the delay.
/// </summary>
public sealed class FrameGuardTests
{
    private const int W = 64, H = 48;

    /// <summary>A check that knows frames by a tag in their first byte (255: known), and counts its calls.</summary>
    private sealed class TagCheck : IFrameCheck
    {
        public int Calls { get; private set; }

        public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
        {
            Calls++;
            return rgb[0] == 255;
        }
    }

    private static byte[] Frame(int seed, bool known)
    {
        var rgb = new byte[3 * W * H];
        new Random(seed).NextBytes(rgb);
        rgb[0] = known ? (byte)255 : (byte)(rgb[0] % 255);
        return rgb;
    }

    /// <summary>A released frame with its pixels copied: the guard's own buffers are reused by its next call.</summary>
    private sealed record Out(long Number, byte[] Rgb, bool Blocked);

    private static IEnumerable<Out> Keep(IReadOnlyList<GuardedFrame> frames) => frames.Select(f => new Out(f.Number, f.Rgb.ToArray(), f.Blocked)).ToList();

    private static List<Out> Run(FrameGuard guard, IReadOnlyList<byte[]> frames, List<long>? hits = null)
    {
        var output = new List<Out>();
        foreach (var f in frames)
            output.AddRange(Keep(guard.Push(f, W, H, n => hits?.Add(n))));
        output.AddRange(Keep(guard.Flush(W, H)));
        return output;
    }

    [Fact]
    public void An_unrelated_stream_leaves_unchanged_in_order_and_within_the_delay()
    {
        var frames = Enumerable.Range(0, 200).Select(i => Frame(i, known: false)).ToList();
        var check = new TagCheck();
        var guard = new FrameGuard(check, new GuardOptions { DelayFrames = 15, CheckEvery = 6 });
        var output = new List<Out>();
        for (int i = 0; i < frames.Count; i++)
        {
            foreach (var f in Keep(guard.Push(frames[i], W, H)))
            {
                // Released no later than the delay line allows.
                Assert.InRange(i - f.Number, 0, 15);
                output.Add(f);
            }
        }
        output.AddRange(Keep(guard.Flush(W, H)));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), output.Select(f => f.Number));
        Assert.All(output, f => Assert.False(f.Blocked));
        for (int i = 0; i < frames.Count; i++)
            Assert.Equal(frames[i], output[i].Rgb);
        // Five checks a second at 30 frames/s: one frame in six, never every frame.
        Assert.InRange(check.Calls, 200 / 6, 200 / 6 + 2);
    }

    [Fact]
    public void A_known_scene_never_leaves_and_the_stream_resumes_after_the_quiet_period()
    {
        // Frames 40-69 are the known scene; the guard blocks until 30 frames in a row have passed.
        var frames = Enumerable.Range(0, 160).Select(i => Frame(i, known: i is >= 40 and < 70)).ToList();
        var hits = new List<long>();
        var guard = new FrameGuard(new TagCheck(), new GuardOptions { DelayFrames = 15, CheckEvery = 6, ResumeAfterFrames = 30 });
        var output = Run(guard, frames, hits);
        Assert.Equal(Enumerable.Range(0, 160).Select(i => (long)i), output.Select(f => f.Number));
        foreach (var f in output)
        {
            if (f.Number is >= 40 and < 70)
                Assert.True(f.Blocked, $"scene frame {f.Number} left");
            if (f.Blocked)
                Assert.All(f.Rgb, b => Assert.Equal(0, b));
            else
                Assert.Equal(frames[(int)f.Number], f.Rgb);
        }
        Assert.Equal(42, hits[0]); // the first check inside the scene
        Assert.False(output[^1].Blocked);
        // Frames before the scene that no passed check covered (37-41) are held back too: the cost of the guarantee.
        Assert.Equal(36, output.Last(f => f.Number < 40 && !f.Blocked).Number);
    }

    [Fact]
    public void Freeze_repeats_the_last_frame_released_and_stop_releases_nothing_more()
    {
        var frames = Enumerable.Range(0, 90).Select(i => Frame(i, known: i is >= 30 and < 40)).ToList();
        var frozen = Run(new FrameGuard(new TagCheck(), new GuardOptions { OnBlock = BlockMode.Freeze, ResumeAfterFrames = 12 }), frames);
        byte[]? lastClean = null;
        foreach (var f in frozen)
        {
            if (f.Blocked)
                Assert.Equal(lastClean, f.Rgb);
            else
                lastClean = f.Rgb;
        }
        Assert.Contains(frozen, f => f.Number is >= 30 and < 40 && f.Blocked);
        Assert.Contains(frozen, f => f.Number > 40 && !f.Blocked);

        var guard = new FrameGuard(new TagCheck(), new GuardOptions { OnBlock = BlockMode.Stop });
        var stopped = Run(guard, frames);
        Assert.True(guard.Stopped);
        Assert.All(stopped, f => Assert.True(f.Number < 30 && !f.Blocked));
    }

    [Fact]
    public void No_frame_of_a_scene_as_long_as_the_check_interval_ever_leaves_whatever_the_rates_and_resume()
    {
        var cases =
            from every in Gen.Choose(1, 10)
            from extra in Gen.Choose(0, 20)
            from start in Gen.Choose(0, 80)
            from more in Gen.Choose(0, 40)
            from resume in Gen.Choose(0, 40)
            from mode in Gen.Elements(BlockMode.Blank, BlockMode.Freeze, BlockMode.Stop)
            select (every, delay: every + extra, start, length: every + more, resume, mode);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var frames = Enumerable.Range(0, 140).Select(i => Frame(i, known: i >= c.start && i < c.start + c.length)).ToList();
            var guard = new FrameGuard(new TagCheck(), new GuardOptions { CheckEvery = c.every, DelayFrames = c.delay, ResumeAfterFrames = c.resume, OnBlock = c.mode });
            var output = Run(guard, frames);
            foreach (var f in output)
            {
                bool scene = f.Number >= c.start && f.Number < c.start + c.length;
                Assert.False(scene && !f.Blocked, $"{c}: scene frame {f.Number} left");
                Assert.False(!f.Blocked && f.Rgb[0] == 255, $"{c}: a known frame left as {f.Number}");
            }
            // In order, each frame at most once.
            Assert.Equal(output.Select(f => f.Number).Order(), output.Select(f => f.Number));
            Assert.Equal(output.Count, output.Select(f => f.Number).Distinct().Count());
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_pdq_list_check_blocks_a_known_picture_and_no_output_frame_hashes_near_it()
    {
        // Benign generated pictures: a "known" one (its PDQ is the list) and distinct others, each a smooth random picture.
        static byte[] Picture(int seed)
        {
            var rgb = new byte[3 * W * H];
            var random = new Random(seed);
            double a = random.NextDouble() * 6, b = random.NextDouble() * 6, c = random.NextDouble() * 6;
            for (int y = 0, o = 0; y < H; y++)
                for (int x = 0; x < W; x++, o += 3)
                {
                    rgb[o] = (byte)(127 + 120 * Math.Sin(a * x / W * Math.PI + b));
                    rgb[o + 1] = (byte)(127 + 120 * Math.Cos(b * y / H * Math.PI + c));
                    rgb[o + 2] = (byte)(127 + 120 * Math.Sin((c * x + a * y) / W));
                }
            return rgb;
        }
        var hasher = new PdqHasher();
        byte[] known = Picture(999);
        var knownHash = hasher.HashRgb(known, W, H).Hash;
        var frames = Enumerable.Range(0, 120).Select(i => i is >= 50 and < 80 ? known : Picture(i)).ToList();
        Assert.All(frames.Where((_, i) => i is < 50 or >= 80), f => Assert.True(PdqHash.Distance(hasher.HashRgb(f, W, H).Hash, knownHash) > 31));
        var output = Run(new FrameGuard(new PdqListCheck([knownHash]), new GuardOptions { ResumeAfterFrames = 15 }), frames);
        Assert.Equal(120, output.Count);
        foreach (var f in output)
            Assert.True(f.Blocked || PdqHash.Distance(hasher.HashRgb(f.Rgb, W, H).Hash, knownHash) > 31, $"frame {f.Number} left looking like the known picture");
        Assert.Contains(output, f => f.Number > 80 && !f.Blocked);
    }

    [Theory]
    [InlineData(BlockMode.Blank)]
    [InlineData(BlockMode.Freeze)]
    public void Once_the_delay_line_is_full_frames_pass_without_allocating(BlockMode mode)
    {
        var frames = Enumerable.Range(0, 400).Select(i => Frame(i, known: i is >= 200 and < 230)).ToList();
        var guard = new FrameGuard(new TagCheck(), new GuardOptions { OnBlock = mode, ResumeAfterFrames = 12 });
        // Warm-up with a block of its own: the stand-in and the pool are made once, not per frame.
        for (int i = 0; i < 60; i++)
            _ = guard.Push(Frame(i, known: i is >= 12 and < 24), W, H);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long released = 0;
        foreach (var f in frames)
            released += guard.Push(f, W, H).Count;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(released, 400 - 15, 400 + 15); // what the delay line held before and after
        Assert.True(guard.Hits > 0);
        // 400 frames through a block and a resume: less than one frame's pixels allocated in all.
        Assert.True(allocated < 3 * W * H, $"{allocated:N0} bytes allocated for 400 frames");
    }

    [Fact]
    public void Bad_options_and_frames_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameGuard(new TagCheck(), new GuardOptions { CheckEvery = 6, DelayFrames = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameGuard(new TagCheck(), new GuardOptions { CheckEvery = 0 }));
        var guard = new FrameGuard(new TagCheck());
        Assert.Throws<ArgumentException>(() => guard.Push(new byte[10], W, H));
    }
}
