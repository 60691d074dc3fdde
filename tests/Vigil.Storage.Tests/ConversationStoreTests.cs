namespace Vigil.Storage.Tests;

/// <summary>Conversations for risk scoring through <see cref="IConversationStore"/> on both engines: messages kept in order, the item claimed once.</summary>
public abstract class ConversationStoreTests(IStoreBackend backend) : StoreContractTests(backend)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Messages_come_back_in_the_order_sent_with_what_the_platform_said_of_the_parties()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store.Conversations;
        Assert.Empty(await store.ReadMessagesAsync("c1"));
        StoredMessage[] first =
        [
            new("adult-1", "kid-1", T0, "hi, how was practice?", SenderIsMinor: false, RecipientIsMinor: true, SenderAge: 34, RecipientAge: 12),
            new("kid-1", "adult-1", T0.AddMinutes(1), "good \"thanks\" <b>"),
        ];
        Assert.Equal(2, await store.AppendMessagesAsync("c1", first, T0));
        Assert.Equal(3, await store.AppendMessagesAsync("c1", [new("adult-1", "kid-1", T0.AddMinutes(2), "ünïcode ✓")], T0));
        await store.AppendMessagesAsync("c2", [new("x", "y", T0, "another conversation")], T0);
        var read = await store.ReadMessagesAsync("c1");
        Assert.Equal([.. first, new StoredMessage("adult-1", "kid-1", T0.AddMinutes(2), "ünïcode ✓")], read);
        Assert.Single(await store.ReadMessagesAsync("c2"));
        // A sealed text is kept as the bytes given (the store never opens it).
        byte[] sealedText = [1, 0, 255, 7, 42];
        await store.AppendMessagesAsync("c3", [new("x", "y", T0, "", SealedText: sealedText)], T0);
        var sealedRow = Assert.Single(await store.ReadMessagesAsync("c3"));
        Assert.Equal("", sealedRow.Text);
        Assert.Equal(sealedText, sealedRow.SealedText);
        Assert.All(read, m => Assert.Null(m.SealedText));
    }

    [Fact]
    public async Task The_item_is_claimed_once_and_recorded()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store.Conversations;
        Assert.Null(await store.GetItemAsync("c1"));
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryClaimItemAsync("c1", T0)));
        Assert.Single(claims, c => c);
        Assert.Null(await store.GetItemAsync("c1"));
        await store.SetItemAsync("c1", 4, 9, T0);
        Assert.Equal((4L, 9L), await store.GetItemAsync("c1"));
        Assert.False(await store.TryClaimItemAsync("c1", T0));
        await Assert.ThrowsAsync<StoreException>(() => store.SetItemAsync("never-claimed", 1, 1, T0));
    }

    [Fact]
    public async Task A_claim_whose_item_was_never_recorded_is_taken_over_once_stale_and_only_by_one()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store.Conversations;
        Assert.True(await store.TryClaimItemAsync("c1", T0));
        // Its caller failed before recording the item: within the stale window nobody else may open one.
        Assert.False(await store.TryClaimItemAsync("c1", T0 + IConversationStore.StaleClaim - TimeSpan.FromSeconds(1)));
        var later = T0 + IConversationStore.StaleClaim + TimeSpan.FromSeconds(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryClaimItemAsync("c1", later)));
        Assert.Single(claims, c => c);
        await store.SetItemAsync("c1", 4, 9, later);
        // A recorded item is never claimed again, however old.
        Assert.False(await store.TryClaimItemAsync("c1", later + TimeSpan.FromDays(30)));
        Assert.Equal((4L, 9L), await store.GetItemAsync("c1"));
    }

    [Fact]
    public async Task Retention_deletes_a_dismissed_conversations_messages_and_those_of_idle_conversations_that_never_opened_an_item()
    {
        await using var test = await CreateStoreAsync();
        var (store, cases) = (test.Store.Conversations, test.Store.Cases);
        StoredMessage[] said = [new("adult-1", "kid-1", T0, "are your parents home?")];
        async Task<OpenedItem> OpenItemAsync(string conversation)
        {
            await store.AppendMessagesAsync(conversation, said, T0);
            var opened = await cases.AddCaseItemAsync(new NewCaseItem
            {
                Subject = "conversation:" + conversation,
                Source = "conversation",
                Reason = "conversation",
                Priority = CasePriority.Of([], "conversation"),
                Signals = [],
                Messages = [new ItemMessage(0, "adult-1", "kid-1", T0, "are your parents home?", ["parents-around"])],
            }, T0);
            Assert.True(await store.TryClaimItemAsync(conversation, T0));
            await store.SetItemAsync(conversation, opened.CaseId, opened.ItemId, T0);
            return opened;
        }
        // Dismissed 91 days ago; still open (however old); never past the threshold, quiet for 91 days or for 10; a claim
        // whose item never came, as old.
        var dismissed = await OpenItemAsync("dismissed");
        await cases.ClaimCaseAsync(dismissed.CaseId, "r", T0, T0.AddHours(1));
        await cases.DecideCaseAsync(dismissed.CaseId, "r", CaseVerdict.NoReport, false, T0);
        var open = await OpenItemAsync("open");
        await store.AppendMessagesAsync("quiet", said, T0);
        await store.AppendMessagesAsync("recent", said, T0.AddDays(81));
        await store.AppendMessagesAsync("stale-claim", said, T0);
        Assert.True(await store.TryClaimItemAsync("stale-claim", T0));

        var now = T0.AddDays(91);
        var purge = await cases.PurgePastRetentionAsync(now - TimeSpan.FromDays(365), now - TimeSpan.FromDays(30), now - TimeSpan.FromDays(90), now);
        Assert.Equal([dismissed.CaseId], purge.Cases);
        Assert.Equal(2, purge.IdleConversations);
        // The dismissed item's messages, the stored conversation and its link to the item are gone.
        Assert.Empty((await cases.GetCaseAsync(dismissed.CaseId))!.Items[0].Details.Messages);
        Assert.Empty(await store.ReadMessagesAsync("dismissed"));
        Assert.Null(await store.GetItemAsync("dismissed"));
        Assert.Empty(await store.ReadMessagesAsync("quiet"));
        Assert.Empty(await store.ReadMessagesAsync("stale-claim"));
        // What is still under review, or spoke within 90 days, stays.
        Assert.Single(await store.ReadMessagesAsync("open"));
        Assert.Equal((open.CaseId, open.ItemId), await store.GetItemAsync("open"));
        Assert.Single((await cases.GetCaseAsync(open.CaseId))!.Items[0].Details.Messages);
        Assert.Single(await store.ReadMessagesAsync("recent"));
        Assert.True((await cases.PurgePastRetentionAsync(now - TimeSpan.FromDays(365), now - TimeSpan.FromDays(30), now - TimeSpan.FromDays(90), now)).IsEmpty);
    }

    [Fact]
    public async Task A_conversation_holds_at_most_its_limit()
    {
        await using var test = await CreateStoreAsync();
        var store = test.Store.Conversations;
        var many = Enumerable.Range(0, IConversationStore.MaxMessages).Select(i => new StoredMessage("a", "b", T0.AddSeconds(i), "m")).ToList();
        Assert.Equal(IConversationStore.MaxMessages, await store.AppendMessagesAsync("big", many, T0));
        var e = await Assert.ThrowsAsync<StoreException>(() => store.AppendMessagesAsync("big", [new("a", "b", T0, "one more")], T0));
        Assert.Contains("more than 10,000 messages", e.Message, StringComparison.Ordinal);
        Assert.Equal(IConversationStore.MaxMessages, (await store.ReadMessagesAsync("big")).Count);
    }
}

public sealed class SqliteConversationStoreTests() : ConversationStoreTests(SqliteBackend.Instance);

public sealed class PostgresConversationStoreTests(PostgresDatabase database) : ConversationStoreTests(database), IClassFixture<PostgresDatabase>;
