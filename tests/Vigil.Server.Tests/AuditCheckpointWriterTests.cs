using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Server.Audit;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>The checkpoint writer's timing: due by the interval, and after a failed write not retried in a loop.</summary>
public class AuditCheckpointWriterTests
{
    private static AuditEntry Entry(long seq) =>
        new(seq, DateTimeOffset.UnixEpoch, "ops", "POST /c/banks", "/c/banks", null, new string('0', 64), new string((char)('a' + seq % 6), 64));

    [Fact]
    public void A_checkpoint_file_that_cannot_be_written_is_retried_after_the_retry_delay_not_at_once()
    {
        using var dir = new TempDirectory("vigil-checkpoint-writer-");
        var clock = new ManualClock();
        string missing = Path.Combine(dir.Path, "no-such-dir", "cp.jsonl");
        var writer = new AuditCheckpointWriter(new AuditCheckpointSettings(missing, Path.Combine(dir.Path, "k.key")) { Interval = TimeSpan.Zero },
            clock, NullLogger<AuditCheckpointWriter>.Instance);

        Assert.True(writer.DueIn <= TimeSpan.Zero);
        writer.WriteIfDue(Entry(1));
        Assert.True(writer.IsNew(Entry(1)), "a failed write leaves the head unsigned");
        Assert.Equal(AuditCheckpointWriter.RetryDelay, writer.DueIn);

        clock.Advance(AuditCheckpointWriter.RetryDelay);
        Assert.True(writer.DueIn <= TimeSpan.Zero);
        Directory.CreateDirectory(Path.GetDirectoryName(missing)!);
        writer.WriteIfDue(Entry(1));
        Assert.False(writer.IsNew(Entry(1)));
        Assert.Single(File.ReadAllLines(missing));

        // Written again, the interval (zero here) applies, not the retry delay.
        Assert.True(writer.DueIn <= TimeSpan.Zero);
        writer.WriteIfDue(Entry(2));
        Assert.Equal(2, File.ReadAllLines(missing).Length);
    }

    [Fact]
    public void With_an_interval_a_new_head_waits_for_it()
    {
        using var dir = new TempDirectory("vigil-checkpoint-writer-");
        var clock = new ManualClock();
        string file = Path.Combine(dir.Path, "cp.jsonl");
        var writer = new AuditCheckpointWriter(new AuditCheckpointSettings(file, Path.Combine(dir.Path, "k.key")) { Interval = TimeSpan.FromMinutes(1) },
            clock, NullLogger<AuditCheckpointWriter>.Instance);
        writer.WriteIfDue(Entry(1));
        Assert.False(File.Exists(file));
        clock.Advance(TimeSpan.FromMinutes(1));
        writer.WriteIfDue(Entry(1));
        Assert.Single(File.ReadAllLines(file));
    }
}
