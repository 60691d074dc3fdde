using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Review;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests.Review;

/// <summary>
/// The server purges evidence past retention by itself (not only when an operator runs <c>vigil review purge</c>):
/// a dismissed case's media (or conversation) goes once its 30 days are over on the server's clock, a case under legal
/// hold keeps it, a conversation that never opened a case goes 90 days after its last message, and each purge is in the
/// audit log under the sweeper's name.
/// </summary>
public sealed class RetentionSweepTests : LiveServerTest
{
    private readonly TempDirectory _keys = new("vigil-vault-");
    // Whole seconds: the store keeps microseconds.
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private EvidenceVault? _vault;

    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
        // Real time between sweeps is short so the test does not wait; the retention itself runs on the manual clock.
        Review = new ReviewOptions { RetentionSweepInterval = TimeSpan.FromMilliseconds(20) },
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    private RetentionSweeper Sweeper => Services.GetRequiredService<RetentionSweeper>();

    [Fact]
    public async Task A_dismissed_case_loses_its_media_after_30_days_unless_held_and_the_purge_is_audited()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        byte[] photo = await File.ReadAllBytesAsync(Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg"));
        var (dismissed, dismissedItem) = await SubmitAsync(submitter, photo, "user-1");
        var (held, heldItem) = await SubmitAsync(submitter, photo, "user-2");
        foreach (var _ in new[] { dismissed, held })
        {
            long claimed = (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"))).GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{claimed}/decision", reviewer, """{"verdict":"no_report"}""")).StatusCode);
        }
        Assert.True(await Services.GetRequiredService<ReviewService>().SetLegalHoldAsync(held, true, "test"));

        // Sweeps run (real time), but 29 days on the server's clock are within retention.
        _clock.Advance(TimeSpan.FromDays(29));
        await SweepsAsync(2);
        Assert.NotNull(await Store.Cases.GetItemMediaAsync(dismissed, dismissedItem));

        _clock.Advance(TimeSpan.FromDays(2));
        await SweepsAsync(2);
        Assert.Null(await Store.Cases.GetItemMediaAsync(dismissed, dismissedItem));
        Assert.NotNull(await Store.Cases.GetItemMediaAsync(held, heldItem));

        var purges = new List<AuditEntry>();
        await foreach (var e in Store.ReadAuditAsync())
        {
            if (e.Action == "case.purge")
                purges.Add(e);
        }
        var purge = Assert.Single(purges);
        Assert.Equal(RetentionSweeper.Actor, purge.Actor);
        Assert.Contains($"[{dismissed}]", purge.DetailJson);
    }

    [Fact]
    public async Task A_dismissed_conversation_and_a_long_idle_one_that_never_opened_a_case_lose_their_messages()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var risky = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/conversations/chat-risky/messages", submitter,
            ConversationEndpointTests.Body(0, ConversationEndpointTests.Talk.Length)));
        long caseId = risky.GetProperty("case_id").GetInt64();
        var quiet = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/conversations/chat-quiet/messages", submitter, ConversationEndpointTests.Body(1, 2)));
        Assert.False(quiet.GetProperty("past_threshold").GetBoolean());
        long claimed = (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"))).GetProperty("id").GetInt64();
        Assert.Equal(caseId, claimed);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", reviewer, """{"verdict":"no_report"}""")).StatusCode);
        Assert.NotEmpty((await Store.Cases.GetCaseAsync(caseId))!.Items[0].Details.Messages);

        // 31 days on: the dismissed conversation's messages go (on its item and as stored); the quiet one is kept 90 days.
        _clock.Advance(TimeSpan.FromDays(31));
        await SweepsAsync(2);
        Assert.Empty((await Store.Cases.GetCaseAsync(caseId))!.Items[0].Details.Messages);
        Assert.Empty(await Store.Conversations.ReadMessagesAsync("chat-risky"));
        Assert.Single(await Store.Conversations.ReadMessagesAsync("chat-quiet"));

        _clock.Advance(TimeSpan.FromDays(60));
        await SweepsAsync(2);
        Assert.Empty(await Store.Conversations.ReadMessagesAsync("chat-quiet"));
        var details = new List<string>();
        await foreach (var e in Store.ReadAuditAsync())
        {
            if (e.Action == "case.purge")
                details.Add(e.DetailJson!);
        }
        Assert.Equal(2, details.Count);
        Assert.Contains($"[{caseId}]", details[0]);
        Assert.Contains("\"idle_conversations\":1", details[1]);
    }

    /// <summary>Waits until the sweeper has finished <paramref name="rounds"/> more rounds (bounded: a stuck sweeper fails the test).</summary>
    private async Task SweepsAsync(int rounds)
    {
        long target = Sweeper.Rounds + rounds;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Sweeper.Rounds < target)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the retention sweeper finished {Sweeper.Rounds} of {target} rounds in 30 s");
            await Task.Delay(10);
        }
    }

    private async Task<(long Case, long Item)> SubmitAsync(string key, byte[] photo, string subject)
    {
        var form = new MultipartFormDataContent("vigil-test-boundary");
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "media", "holiday.jpg");
        form.Add(new StringContent($$"""{"subject":"{{subject}}"}""", Encoding.UTF8, "application/json"), "context");
        var response = await SendContentAsync(HttpMethod.Post, "/v1/cases", key, form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await JsonAsync(response);
        return (body.GetProperty("case_id").GetInt64(), body.GetProperty("item_id").GetInt64());
    }
}
