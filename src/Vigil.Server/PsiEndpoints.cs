using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Vigil.Media.Encoders;
using Vigil.Privacy.Psi;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Private matching's service side (docs/psi-service.md): <c>POST /v1/vouchers?account=A</c>
/// (device keys) stores an account's safety vouchers after the server key has tried their outer
/// layer, and answers only how many were accepted and how many it had already: never whether
/// anything opened or was revealed. The reveal runs afterwards, in <see cref="PsiRevealer"/>.
/// <c>GET /v1/psi/accounts/A</c> (reviewer keys) reads the outcome; revealed matches are review
/// items (<see cref="CaseEndpoints"/>).
/// </summary>
public static class PsiEndpoints
{
    /// <summary>Most vouchers one upload may carry (<see cref="ServerSettings.MaxVouchersPerUpload"/> at most this).</summary>
    public const int MaxVouchersLimit = 100_000;

    private static readonly RequiresRole Devices = new(ApiKeyRole.Device);
    private static readonly RequiresRole Reviewers = new(ApiKeyRole.Reviewer);

    /// <summary>Maps the endpoints.</summary>
    /// <exception cref="ArgumentException">The settings' voucher limit is not valid.</exception>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<ServerSettings>();
        if (settings.MaxVouchersPerUpload is < 1 or > MaxVouchersLimit)
            throw new ArgumentException($"MaxVouchersPerUpload must be 1..{MaxVouchersLimit}, not {settings.MaxVouchersPerUpload}", nameof(app));
        var list = settings.PrivateMatching;
        var uploads = new AccountLocks();
        var upload = app.MapPost("/v1/vouchers", (HttpContext context, IPrivateMatchingStore store, PsiRevealer revealer, string? account, CancellationToken ct) =>
            UploadAsync(context, store, revealer, uploads, settings, account, ct)).WithMetadata(Devices);
        // Kestrel's body limit for the upload: the largest allowed upload plus one byte (so "over" can be told from "at").
        if (list is not null)
            upload.WithMetadata(new UploadSizeLimit((long)list.VoucherSize * VoucherLimit(list, settings) + 1));
        app.MapGet("/v1/psi/accounts/{account}", GetAccountAsync).WithMetadata(Reviewers);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, IPrivateMatchingStore store, PsiRevealer revealer, AccountLocks locks,
        ServerSettings settings, string? account, CancellationToken ct)
    {
        var list = settings.PrivateMatching;
        if (list is null)
            return Problems.Result(503, "private matching is not configured", "this server has no published list: start it with 'vigil serve --psi DIR' (DIR from 'vigil psi publish')");
        if (!PsiNames.IsValidAccount(account))
            return Problems.Result(400, "invalid account", $"?account= must be 1 to {PsiNames.MaxAccountLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        var request = context.Request;
        if (request.ContentType is { Length: > 0 } contentType
            && (!MediaTypeHeaderValue.TryParse(contentType, out var type) || !type.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)))
            return Problems.Result(415, "unsupported content type", "send the vouchers as application/octet-stream: the bytes of 'vigil psi voucher --out FILE', concatenated");

        int size = list.VoucherSize, most = VoucherLimit(list, settings);
        long limit = (long)size * most;
        if (request.ContentLength > limit)
            return TooMany(context, most, size);
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit + 1;
        using var body = new MediaBuffer((int)Math.Min(Math.Max(request.ContentLength ?? 0, 64 * 1024), limit + 1));
        try
        {
            if (!await body.ReadAllAsync(request.Body, limit, ct))
                return TooMany(context, most, size);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooMany(context, most, size);
        }
        catch (BadHttpRequestException e)
        {
            return Problems.Result(400, "bad request body", e.Message);
        }

        var (vouchers, problem) = Parse(list, body.Span);
        if (problem is not null)
            return problem;

        PsiVoucherBatchResult stored;
        int duplicates = 0;
        using (await locks.AcquireAsync(account!, ct))
        {
            // Ids sent twice in the upload, or stored already, are not opened again.
            var ids = new List<string>(vouchers.Count);
            var unique = new List<int>(vouchers.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < vouchers.Count; i++)
            {
                string id = vouchers[i].IdHex;
                if (seen.Add(id))
                {
                    ids.Add(id);
                    unique.Add(i);
                }
                else
                {
                    duplicates++;
                }
            }
            var known = await store.FindPsiVoucherIdsAsync(account!, ids, ct);
            var fresh = new List<NewPsiVoucher>(unique.Count);
            for (int n = 0; n < unique.Count; n++)
            {
                if (known.Contains(ids[n]))
                {
                    duplicates++;
                    continue;
                }
                int i = unique[n];
                // Stored exactly as received.
                fresh.Add(Open(list, vouchers[i], ids[n], body.Span.Slice(i * size, size).ToArray()));
            }
            stored = await store.AddPsiVouchersAsync(account!, fresh, ct);
            duplicates += stored.Duplicates;
        }
        var state = stored.Account;
        if (state.Opened > list.Threshold && state.Opened > state.RevealedThrough)
            revealer.Enqueue(account!);
        // The audit entry says what the device sent, not what opened.
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object> { ["account"] = account!, ["accepted"] = stored.Accepted, ["duplicates"] = duplicates };
        return Results.Json(new Dictionary<string, int> { ["accepted"] = stored.Accepted, ["duplicates"] = duplicates },
            statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Reads every voucher of the body, or the problem with the first one that is not right (nothing is stored then).</summary>
    private static (List<Voucher> Vouchers, IResult? Problem) Parse(PsiList list, ReadOnlySpan<byte> body)
    {
        int size = list.VoucherSize;
        if (body.Length == 0)
            return ([], Problems.Result(400, "no vouchers", $"the body is empty; send one or more {size:N0}-byte vouchers"));
        if (Voucher.ReadLayout(body) is { } found && found != list.Layout)
        {
            // Made against another mode's list: say so, rather than that the size is wrong.
            return ([], Problems.Result(400, "vouchers made for another mode", found.Mode != list.Layout.Mode
                ? $"the vouchers are {found.Mode} but this server's list is {list.Layout.Mode}: make them again against the published list (its manifest says {list.Layout.Mode})"
                : $"the vouchers have {found.Pairs} probes of {found.KeysPerPair} keys but this server's list takes {list.Layout.Pairs} of {list.Layout.KeysPerPair}: they were made against a list with other band parameters"));
        }
        if (body.Length % size != 0)
        {
            return ([], Problems.Result(400, "not a whole number of vouchers",
                $"the body is {body.Length:N0} bytes, not a whole number of {size:N0}-byte vouchers (threshold {list.Threshold}): truncated, padded, or made for another list"));
        }
        var vouchers = new List<Voucher>(body.Length / size);
        for (int i = 0; i < body.Length / size; i++)
        {
            Voucher voucher;
            try
            {
                voucher = list.ParseVoucher(body.Slice(i * size, size));
            }
            catch (InvalidDataException e)
            {
                return ([], Problems.Result(400, "malformed voucher", $"voucher {i} (counting from 0): {e.Message}"));
            }
            if (voucher.ListVersion != list.ListVersion)
            {
                return ([], Problems.Result(409, "voucher made for another list version",
                    $"voucher {i} (counting from 0) was made against list version {voucher.ListVersion.ToString(CultureInfo.InvariantCulture)}, but this server's list is version {list.ListVersion.ToString(CultureInfo.InvariantCulture)}: the device holds another table; fetch the current pdata and manifest"));
            }
            vouchers.Add(voucher);
        }
        return (vouchers, null);
    }

    /// <summary>The server key's attempt on one voucher's outer layer, as a row to store.</summary>
    private static NewPsiVoucher Open(PsiList list, Voucher voucher, string id, byte[] bytes)
    {
        var outcome = VoucherProcessor.OpenOuter(list.Key, list.ListVersion, voucher, out var opened);
        return outcome switch
        {
            OuterOutcome.Opened => new NewPsiVoucher(id, voucher.ListVersion, bytes, PsiVoucherOutcome.Opened, opened!.InnerKey),
            OuterOutcome.Rejected => new NewPsiVoucher(id, voucher.ListVersion, bytes, PsiVoucherOutcome.Rejected, null),
            _ => new NewPsiVoucher(id, voucher.ListVersion, bytes, PsiVoucherOutcome.Closed, null),
        };
    }

    /// <summary>
    /// Most vouchers one upload may carry: the setting, divided by the probes per voucher (a banded
    /// voucher costs the server 261 scalar multiplications, an exact one 1, and one request should
    /// not take minutes), and fewer when that many would be over 1 GiB (an upload is held in one array).
    /// </summary>
    private static int VoucherLimit(PsiList list, ServerSettings settings) =>
        (int)Math.Min(Math.Max(1, settings.MaxVouchersPerUpload / list.Layout.Pairs), MediaEndpoints.MaxUploadLimit / list.VoucherSize);

    /// <summary>
    /// 413; the rest of the body is not read, so the connection closes after the answer (said in a
    /// header, so the client does not send its next request on it).
    /// </summary>
    private static IResult TooMany(HttpContext context, int most, int size)
    {
        context.Response.Headers.Connection = "close";
        return Problems.Result(413, "too many vouchers",
            $"an upload carries at most {most:N0} vouchers ({(long)size * most:N0} bytes); send the rest in further uploads");
    }

    private static async Task<IResult> GetAccountAsync(IPrivateMatchingStore store, string account, CancellationToken ct)
    {
        if (!PsiNames.IsValidAccount(account))
            return Problems.Result(400, "invalid account", $"an account is 1 to {PsiNames.MaxAccountLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
        var state = await store.GetPsiAccountAsync(account, ct);
        if (state is null)
            return Problems.Result(404, "account not found", $"no vouchers have been received for account '{account}'");
        // Never the opened count: below the threshold it would tell matches (and synthetic vouchers) apart from the rest.
        return Results.Json(new Dictionary<string, object?>
        {
            ["account"] = state.Account,
            ["vouchers"] = state.Vouchers,
            ["status"] = PsiNames.Name(state.Status),
            ["flag_reason"] = state.FlagReason,
            ["cases"] = state.Cases,
        });
    }
}
