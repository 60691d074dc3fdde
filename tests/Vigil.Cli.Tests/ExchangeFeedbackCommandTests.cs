using System.Text.Json;
using Vigil.Exchanges.Fakes;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil exchange feedback</c>: the queue per entry (opinion, status, attempts, last error), in text and json, one entry's feedback, and dead feedback sent again.</summary>
public class ExchangeFeedbackCommandTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A store with an exchange fetched from the fake StopNCII (two entries, <c>First</c> and <c>Second</c> by source id) and
    /// feedback on them as review queues it and the sender records it: on First a false positive sent; on Second a false
    /// positive refused (dead) and a confirmation waiting after a 503.
    /// </summary>
    private sealed class Queued : IAsyncDisposable
    {
        public required TestDb Db { get; init; }
        public required FakeStopNcii Fake { get; init; }
        public required string First { get; init; }
        public required string Second { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Fake.DisposeAsync();
            Db.Dispose();
        }
    }

    private static async Task<Queued> QueuedAsync()
    {
        var db = new TestDb();
        var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(2);
        db.Ok("bank", "create", "STOPNCII");
        string credentials = db.WriteFile("stopncii.json", JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["subscription_key"] = FakeStopNcii.DefaultSubscriptionKey,
            ["fetch_function_key"] = FakeStopNcii.DefaultFetchFunctionKey,
        }));
        db.Ok("exchange", "add", "stopncii-test", "--type", "stopncii", "--bank", "STOPNCII", "--base-url", fake.BaseUrl.AbsoluteUri, "--credentials-file", credentials);
        Assert.Contains("no exchange feedback", db.Ok("exchange", "feedback").Output);
        db.Ok("exchange", "fetch", "stopncii-test");

        string first, second;
        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
        {
            var entries = new List<BankContent>();
            await foreach (var content in store.StreamContentAsync("STOPNCII"))
                entries.Add(content);
            entries.Sort((a, b) => string.CompareOrdinal(a.SourceId, b.SourceId));
            (first, second) = (entries[0].SourceId!, entries[1].SourceId!);
            Assert.Equal(new[] { FakeStopNcii.SyntheticPdq(0), FakeStopNcii.SyntheticPdq(1) }.Order(StringComparer.Ordinal), [first, second]);
            long sent = (await store.ExchangeFeedback.EnqueueAsync(New(entries[0], ExchangeFeedbackOpinion.FalsePositive)))!.Value;
            long dead = (await store.ExchangeFeedback.EnqueueAsync(New(entries[1], ExchangeFeedbackOpinion.FalsePositive)))!.Value;
            await store.ExchangeFeedback.EnqueueAsync(New(entries[1], ExchangeFeedbackOpinion.Confirmed));
            foreach (var claim in await store.ExchangeFeedback.ClaimDueAsync(T0, TimeSpan.FromMinutes(5), 10))
            {
                var attempt = claim.Feedback.Id == sent ? new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Sent, T0, null)
                    : claim.Feedback.Id == dead ? new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Dead, T0, "the exchange refused the credentials: HTTP 401")
                    : new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Pending, T0, "HTTP 503", T0.AddMinutes(1));
                Assert.True(await store.ExchangeFeedback.RecordAttemptAsync(claim, attempt));
            }
            await store.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return new Queued { Db = db, Fake = fake, First = first, Second = second };
    }

    [Fact]
    public async Task The_queue_is_shown_per_entry_and_an_exchanges_dead_feedback_is_queued_again()
    {
        await using var queued = await QueuedAsync();
        var (db, first, second) = (queued.Db, queued.First, queued.Second);

        var text = db.Ok("exchange", "feedback", "stopncii-test").Output;
        Assert.Matches(@"EXCHANGE\s+ENTRY\s+OPINION\s+STATUS\s+ATTEMPTS\s+LAST ERROR", text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains(second) && l.Contains("false_positive") && l.Contains(" dead ") && l.EndsWith("the exchange refused the credentials: HTTP 401"));
        Assert.Contains(lines, l => l.Contains(second) && l.Contains("confirmed") && l.Contains(" pending ") && l.Contains("next 2026-12-07 09:01:00Z; HTTP 503"));
        Assert.Contains("3 feedback: 1 sent, 1 pending, 1 dead", text);
        Assert.Contains(lines, l => l.StartsWith("stopncii-test") && l.Contains(first) && l.Contains(" sent ") && l.TrimEnd().EndsWith(" 1"));

        using (var json = JsonDocument.Parse(db.Ok("exchange", "feedback", "--format", "json").Output))
        {
            var rows = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(3, rows.Count);
            Assert.All(rows, r => Assert.Equal("stopncii-test", r.GetProperty("exchange").GetString()));
            Assert.Equal(["sent", "dead", "pending"], rows.Select(r => r.GetProperty("status").GetString()));
            Assert.Equal(["false_positive", "false_positive", "confirmed"], rows.Select(r => r.GetProperty("opinion").GetString()));
            Assert.Equal([1, 1, 1], rows.Select(r => r.GetProperty("attempts").GetInt32()));
            Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("next_attempt_at").ValueKind);
            Assert.Equal(JsonValueKind.String, rows[0].GetProperty("sent_at").ValueKind);
        }

        Assert.Contains("stopncii-test: 1 dead feedback queued again", db.Ok("exchange", "feedback", "stopncii-test", "--retry-dead").Output);
        Assert.Contains("3 feedback: 1 sent, 2 pending, 0 dead", db.Ok("exchange", "feedback", "stopncii-test").Output);

        Assert.Contains("no exchange named 'nope'", db.Run("exchange", "feedback", "nope").Error);
        Assert.Contains("--retry-dead needs the exchange's NAME", db.Run("exchange", "feedback", "--retry-dead").Error);
    }

    [Fact]
    public async Task One_entrys_feedback_is_shown_by_its_id_at_the_exchange_in_text_and_json()
    {
        await using var queued = await QueuedAsync();
        var (db, first, second) = (queued.Db, queued.First, queued.Second);

        var text = db.Ok("exchange", "feedback", "stopncii-test", "--entry", second).Output;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^EXCHANGE\s+ENTRY\s+OPINION\s+STATUS\s+ATTEMPTS\s+LAST ERROR", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Matches($@"^stopncii-test\s+{second}\s+false_positive\s+dead\s+1\s+the exchange refused the credentials: HTTP 401$", lines[1]);
        Assert.Matches($@"^stopncii-test\s+{second}\s+confirmed\s+pending\s+1\s+next 2026-12-07 09:01:00Z; HTTP 503$", lines[2]);
        Assert.Equal("2 feedback: 0 sent, 1 pending, 1 dead", lines[3].TrimEnd());
        Assert.DoesNotContain(first, text);

        using (var json = JsonDocument.Parse(db.Ok("exchange", "feedback", "stopncii-test", "--entry", first, "--format", "json").Output))
        {
            var row = Assert.Single(json.RootElement.EnumerateArray().ToList());
            Assert.Equal(("stopncii-test", first, "false_positive", "sent", 1),
                (row.GetProperty("exchange").GetString(), row.GetProperty("entry_id").GetString(), row.GetProperty("opinion").GetString(),
                    row.GetProperty("status").GetString(), row.GetProperty("attempts").GetInt32()));
            Assert.Equal(T0, row.GetProperty("sent_at").GetDateTimeOffset());
        }

        // An entry of the exchange with no feedback: said so, not an error; [] in json.
        string unknown = new('0', 64);
        Assert.Equal($"no feedback on entry {unknown} of exchange stopncii-test (review decisions on matches of it are queued here)",
            db.Ok("exchange", "feedback", "stopncii-test", "--entry", unknown).Output.Trim());
        Assert.Equal("[]", db.Ok("exchange", "feedback", "stopncii-test", "--entry", unknown, "--format", "json").Output.Trim());

        // Bad input: a clear error and a non-zero exit.
        foreach (var (args, message) in new (string[], string)[]
        {
            (["exchange", "feedback", "--entry", second], "--entry needs the exchange's NAME"),
            (["exchange", "feedback", "nope", "--entry", second], "no exchange named 'nope'"),
            (["exchange", "feedback", "stopncii-test", "--entry", ""], "--entry needs the entry's id at the exchange"),
            (["exchange", "feedback", "stopncii-test", "--entry", second, "--retry-dead"], "does not go with --entry"),
        })
        {
            var result = db.Run(args);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(message, result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }
    }

    private static NewExchangeFeedback New(BankContent entry, ExchangeFeedbackOpinion opinion) =>
        new("stopncii-test", entry.Id, entry.SourceId!, opinion, entry.Signals, T0);
}
