using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Signals;
using Vigil.Privacy.Psi;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// The service with a banded list: near copies (a few bits off a listed hash, as re-encoding
/// gives) open, past the threshold they become review cases with their true distance, and the
/// server reads banded vouchers by the manifest's layout.
/// </summary>
public sealed class PsiBandedEndpointTests : LiveServerTest
{
    private readonly TempDirectory _psi = new("vigil-psi-banded-");
    private readonly ServerKey _key = ServerKey.Generate();
    private readonly byte[][] _listed = Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
    private PublicTable _table = null!;
    private PsiList _list = null!;

    protected override ServerSettings Settings => base.Settings with { PrivateMatching = _list };

    protected override Task BeforeServerStartsAsync()
    {
        _table = PsiFixture.Publish(_psi.Path, _key, _listed, bands: BandParameters.Default());
        _list = PsiList.Load(_psi.Path);
        return Task.CompletedTask;
    }

    protected override Task AfterServerStopsAsync()
    {
        _psi.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Listed hash <paramref name="listed"/> with three bits flipped (so at least two of the five bands agree exactly).</summary>
    private byte[] NearCopy(int listed, Random rng)
    {
        var copy = (byte[])_listed[listed].Clone();
        foreach (int bit in Enumerable.Range(0, 256).OrderBy(_ => rng.Next()).Take(3))
            copy[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
        return copy;
    }

    private async Task UploadAsync(string device, IEnumerable<Voucher> vouchers)
    {
        var content = new ByteArrayContent(PsiFixture.Concat(vouchers));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await SendContentAsync(HttpMethod.Post, "/v1/vouchers?account=banded", device, content);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await Services.GetRequiredService<PsiRevealer>().WhenIdleAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Exact_vouchers_sent_to_a_banded_list_are_named_as_the_wrong_mode()
    {
        using var exactDir = new TempDirectory("vigil-psi-exact-");
        var exactTable = PsiFixture.Publish(exactDir.Path, _key, _listed);
        var voucher = Voucher.CreateReal(exactTable, AccountKeys.Create(PsiFixture.Threshold), PsiFixture.Photo(_listed[0], "a.jpg"));
        var content = new ByteArrayContent(voucher.Serialize());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await SendContentAsync(HttpMethod.Post, "/v1/vouchers?account=banded", await KeyAsync(ApiKeyRole.Device), content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "vouchers made for another mode");
        Assert.Contains("the vouchers are exact but this server's list is banded", (await JsonAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Near_copies_become_cases_past_the_threshold_with_their_distance()
    {
        for (int i = 0; i < _listed.Length; i++)
            await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, Convert.ToHexStringLower(_listed[i]))]));
        await Services.GetRequiredService<MatcherHost>().Matcher!.CatchUpAsync(CancellationToken.None);
        string device = await KeyAsync(ApiKeyRole.Device);
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var account = AccountKeys.Create(PsiFixture.Threshold);
        var rng = new Random(4);
        var near = Enumerable.Range(0, 4).Select(i => Voucher.CreateReal(_table, account, PsiFixture.Photo(NearCopy(i, rng), $"near-{i}.jpg"))).ToArray();
        var stranger = Voucher.CreateReal(_table, account, PsiFixture.Photo(RandomNumberGenerator.GetBytes(32), "holiday.jpg"));
        Assert.Equal(_list.VoucherSize, stranger.Serialize().Length);

        await UploadAsync(device, [.. near[..3], stranger]);
        var below = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/psi/accounts/banded", reviewer));
        Assert.Equal(("below_threshold", 0), (below.GetProperty("status").GetString(), below.GetProperty("cases").GetInt32()));

        await UploadAsync(device, [near[3]]);
        var cases = (await CaseItemsAsync(reviewer)).Select(f => f.Item).ToList();
        Assert.Equal(near.Select(v => v.IdHex).Order(), cases.Select(c => c.GetProperty("voucher_id").GetString()!).Order());
        Assert.All(cases, c => Assert.Equal(("matched", 3),
            (c.GetProperty("recheck").GetString(), c.GetProperty("matches")[0].GetProperty("distance").GetInt32())));
    }
}
