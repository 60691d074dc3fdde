using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Hashing.Signals;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// HMA's curation API (<c>/c/...</c>, docs/hma-api.md): banks, their content and signals, and the
/// signal and content types. Reads accept curator and matcher keys, changes curator keys (admin
/// always). HMA's <c>{"message": ...}</c> errors are RFC 7807 problems here, with the same status
/// and the message as the title.
/// </summary>
public static class CurationEndpoints
{
    /// <summary>
    /// HMA's <c>disable_until_ts = 0</c> (disabled with no end) is stored as this time: the store
    /// has no separate flag, and any end this far out reads back as 0.
    /// </summary>
    internal static readonly DateTimeOffset DisabledForever = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string BadBankName = "Bank names must be UPPER_WITH_UNDERSCORE";

    private static readonly RequiresRole Read = new(ApiKeyRole.Curator, ApiKeyRole.Matcher);
    private static readonly RequiresRole Write = new(ApiKeyRole.Curator);

    /// <summary>Maps the curation endpoints.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/c/banks", async (IBankStore store, CancellationToken ct) =>
        {
            var banks = await store.ListBanksAsync(ct);
            return Results.Json(banks.Select(b => BankJson(b.Bank)));
        }).WithMetadata(Read);
        app.MapPost("/c/banks", CreateBankAsync).WithMetadata(Write);
        app.MapGet("/c/bank/{bank_name}", async (IBankStore store, string bank_name, CancellationToken ct) =>
            await store.GetBankAsync(bank_name, ct) is { } bank ? Results.Json(BankJson(bank)) : BankNotFound(bank_name))
            .WithMetadata(Read);
        app.MapPut("/c/bank/{bank_name}", UpdateBankAsync).WithMetadata(Write);
        app.MapDelete("/c/bank/{bank_name}", async (IBankStore store, string bank_name, CancellationToken ct) =>
        {
            // HMA answers the same whether or not the bank existed.
            await store.DeleteBankAsync(bank_name, ct);
            return Results.Json(new Dictionary<string, object> { ["message"] = "Done" });
        }).WithMetadata(Write);
        app.MapPost("/c/bank/{bank_name}/signal", AddSignalsAsync).WithMetadata(Write);
        app.MapGet("/c/bank/{bank_name}/content/{content_id:long}", GetContentAsync).WithMetadata(Read);
        app.MapPut("/c/bank/{bank_name}/content/{content_id:long}", UpdateContentAsync).WithMetadata(Write);
        app.MapDelete("/c/bank/{bank_name}/content/{content_id:long}", DeleteContentAsync).WithMetadata(Write);

        // What a bank holds and a client may send: a bank's own variants (pdq_variant) are made by Vigil from its media, never sent.
        app.MapGet("/c/signal_type", () => Results.Json(SignalType.Known.Where(t => !t.IsDerived).Select(t => new Dictionary<string, object>
        {
            ["name"] = t.Name,
            ["enabled_ratio"] = 1.0,
        }))).WithMetadata(Read);
        app.MapGet("/c/content_type", () => Results.Json(new[]
        {
            new Dictionary<string, object> { ["name"] = "photo", ["enabled"] = true },
            new Dictionary<string, object> { ["name"] = "video", ["enabled"] = true },
        })).WithMetadata(Read);
    }

    /// <summary>HMA's words for a bank body's fields of the wrong type.</summary>
    private static readonly JsonBodyProblems BankProblems = new()
    {
        InvalidField = field => field switch
        {
            "name" => Problems.Result(400, BadBankName, "name must be a string"),
            "enabled" => Problems.Result(400, "enabled must be true or false", "send \"enabled\": true or false"),
            _ => Problems.Result(400, $"{field} must be a number from 0.0 to 1.0", $"'{field}' has a value of the wrong type"),
        },
    };

    /// <summary>HMA's words for a signal body's unknown keys (signal types) and values of the wrong type.</summary>
    private static readonly JsonBodyProblems SignalProblems = new()
    {
        UnknownField = field => Problems.Result(400, $"No such signal type {field}", $"known: {KnownTypes()}"),
        InvalidField = field => Problems.Result(400, $"Invalid {field} signal", $"the {field} signal must be a string"),
    };

    private static async Task<IResult> CreateBankAsync(HttpContext context, IBankStore store, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.BankBody, BankProblems, ct);
        if (error is not null)
            return error;
        if (body!.Name is not { } name)
            return Problems.Result(400, "name is required", "send {\"name\": \"MY_BANK\"}, optionally with \"enabled_ratio\" or \"enabled\"");
        if (!BankName.TryValidate(name, out string? why))
            return Problems.Result(400, BadBankName, why);
        var (ratio, settingsError) = ReadRatio(body);
        if (settingsError is not null)
            return settingsError;
        try
        {
            // As HMA (older generation): enabled_ratio wins, else enabled gives 1.0 or 0.0, else 1.0.
            var bank = await store.CreateBankAsync(new NewBank(name)
            {
                Enabled = ratio is not null || (body.Enabled ?? true),
                EnabledRatio = ratio ?? 1.0,
            }, ct);
            return Results.Json(BankJson(bank), statusCode: StatusCodes.Status201Created);
        }
        catch (BankAlreadyExistsException e)
        {
            // HMA answers 403 for a duplicate name, not 409.
            return Problems.Result(403, "Bank already exists", e.Message);
        }
        catch (ArgumentException e)
        {
            return Problems.Result(400, BadBankName, e.Message);
        }
    }

    private static async Task<IResult> UpdateBankAsync(HttpContext context, IBankStore store, string bank_name, CancellationToken ct)
    {
        if (await store.GetBankAsync(bank_name, ct) is null)
            return Problems.Result(404, "Bank not found", $"bank '{bank_name}' not found");
        var (body, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.BankBody, BankProblems, ct);
        if (error is not null)
            return error;
        if (body!.Name is { } name)
        {
            if (!BankName.TryValidate(name, out string? why))
                return Problems.Result(400, BadBankName, why);
            if (name != bank_name)
                return Problems.Result(400, "renaming a bank is not supported", "Vigil keeps a bank's name for life; create a new bank and import into it instead");
        }
        var (ratio, settingsError) = ReadRatio(body);
        if (settingsError is not null)
            return settingsError;
        // As HMA: enabled sets the ratio to 1 or 0, then the ratio (if sent) wins.
        var update = new BankUpdate();
        if (body.Enabled is { } on)
            update = on ? update with { Enabled = true, EnabledRatio = 1.0 } : update with { Enabled = false };
        if (ratio is { } r)
            update = update with { Enabled = true, EnabledRatio = r };
        try
        {
            return Results.Json(BankJson(await store.UpdateBankAsync(bank_name, update, ct)));
        }
        catch (BankNotFoundException e)
        {
            return Problems.Result(404, "Bank not found", e.Message);
        }
        catch (ArgumentException e)
        {
            return Problems.Result(400, "invalid bank settings", e.Message);
        }
    }

    private static async Task<IResult> AddSignalsAsync(HttpContext context, IBankStore bankStore, IContentStore contentStore, string bank_name, CancellationToken ct)
    {
        if (await bankStore.GetBankAsync(bank_name, ct) is null)
            return BankNotFound(bank_name);
        var (body, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.SignalsBody, SignalProblems, ct);
        if (error is not null)
            return error;
        var signals = new List<Signal>();
        foreach (var (type, raw) in body!.Given())
        {
            if (!type.TryNormalize(raw, out string? value, out string? why))
                return Problems.Result(400, $"Invalid {type.Name} signal", why);
            signals.Add(new Signal(type, value));
        }
        if (signals.Count == 0)
            return Problems.Result(400, "No signals given", "send {\"pdq\": \"<64 hex digits>\"}");
        try
        {
            var content = await contentStore.AddContentAsync(bank_name, new NewContent(signals), ct);
            // HMA's decorator declares 201 but it answers 200.
            return Results.Json(new Dictionary<string, object> { ["id"] = content.Id, ["signals"] = SignalsJson(content.Signals) });
        }
        catch (BankNotFoundException)
        {
            return BankNotFound(bank_name);
        }
        catch (DuplicateContentException e)
        {
            return Problems.Result(409, "content already in bank", e.Message);
        }
    }

    private static async Task<IResult> GetContentAsync(IBankStore bankStore, IContentStore contentStore, string bank_name, long content_id, string? include_signals,
        string? signal_type, CancellationToken ct)
    {
        var (bank, content, error) = await FindContentAsync(bankStore, contentStore, bank_name, content_id, ct);
        if (error is not null)
            return error;
        IReadOnlyList<Signal>? signals = null;
        if (string.Equals(include_signals, "true", StringComparison.OrdinalIgnoreCase))
            signals = content!.Signals;
        // HMA's older generation: signal_type picks the one type to show.
        if (!string.IsNullOrEmpty(signal_type))
        {
            if (!SignalType.TryFromName(signal_type, out var type))
                return Problems.Result(400, $"No such signal type '{signal_type}'", $"known: {KnownTypes()}");
            signals = [.. content!.Signals.Where(s => s.Type == type)];
        }
        return Results.Json(ContentJson(bank!, content!, signals));
    }

    private static async Task<IResult> UpdateContentAsync(HttpContext context, IBankStore bankStore, IContentStore contentStore, string bank_name, long content_id, CancellationToken ct)
    {
        var (bank, _, error) = await FindContentAsync(bankStore, contentStore, bank_name, content_id, ct);
        if (error is not null)
            return error;
        var (body, bodyError) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.ContentUpdateBody, null, ct);
        if (bodyError is not null)
            return bodyError;
        if (body!.DisableUntilTs is not { ValueKind: not JsonValueKind.Null } element)
            return Problems.Result(400, "disable_until_ts is required", "send {\"disable_until_ts\": 1} to enable, 0 to disable, or a Unix time to disable until");
        long ts;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long number))
            ts = number;
        else if (element.ValueKind == JsonValueKind.String && long.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
            ts = parsed;
        else
            return Problems.Result(400, $"Invalid int: '{(element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText())}'", "disable_until_ts must be an integer");
        if (ts < 0)
            return Problems.Result(400, "disable_until_ts must be a non-negative integer", "1 enables, 0 disables, a Unix time disables until then");
        var now = DateTimeOffset.UtcNow;
        if (ts > now.AddYears(5).ToUnixTimeSeconds())
            return Problems.Result(400, "disable_until_ts must be less than 5 years in the future", $"got {ts}");
        DateTimeOffset? until = ts switch
        {
            1 => null,
            0 => DisabledForever,
            _ => DateTimeOffset.FromUnixTimeSeconds(ts),
        };
        try
        {
            var content = await contentStore.UpdateContentAsync(content_id, new ContentUpdate { DisabledUntil = until }, ct);
            return Results.Json(ContentJson(bank!, content, null));
        }
        catch (ContentNotFoundException)
        {
            return ContentNotFound(content_id);
        }
    }

    private static async Task<IResult> DeleteContentAsync(IBankStore bankStore, IContentStore contentStore, string bank_name, long content_id, CancellationToken ct)
    {
        if (await bankStore.GetBankAsync(bank_name, ct) is null)
            return BankNotFound(bank_name);
        // Only content of this bank is removed; anything else counts as nothing deleted (as HMA).
        var content = await contentStore.GetContentAsync(content_id, ct);
        bool deleted = content is not null && content.BankName == bank_name && await contentStore.RemoveContentAsync(content_id, ct);
        return Results.Json(new Dictionary<string, object> { ["deleted"] = deleted ? 1 : 0 });
    }

    /// <summary>
    /// The bank and the content item, which must belong to it (HMA does not check that; Vigil does,
    /// so a curator of one bank cannot reach another's content through it).
    /// </summary>
    private static async Task<(Bank? Bank, BankContent? Content, IResult? Error)> FindContentAsync(IBankStore bankStore, IContentStore contentStore, string bankName, long contentId, CancellationToken ct)
    {
        var bank = await bankStore.GetBankAsync(bankName, ct);
        if (bank is null)
            return (null, null, BankNotFound(bankName));
        var content = await contentStore.GetContentAsync(contentId, ct);
        if (content is null || content.BankId != bank.Id)
            return (bank, null, ContentNotFound(contentId));
        return (bank, content, null);
    }

    /// <summary>
    /// The ratio a bank body asks for: <c>enabled_ratio</c> or <c>matching_enabled_ratio</c> (the
    /// name GET answers with), 0..1; both may be sent only when they agree.
    /// </summary>
    private static (double? Ratio, IResult? Error) ReadRatio(BankBody body)
    {
        foreach (var (name, value) in new[] { ("enabled_ratio", body.EnabledRatio), ("matching_enabled_ratio", body.MatchingEnabledRatio) })
        {
            if (value is { } v && !(v >= 0 && v <= 1))
                return (null, Problems.Result(400, $"{name} must be a number from 0.0 to 1.0", $"got {v.ToString(CultureInfo.InvariantCulture)}"));
        }
        if (body.EnabledRatio is { } a && body.MatchingEnabledRatio is { } b && a != b)
            return (null, Problems.Result(400, "enabled_ratio and matching_enabled_ratio disagree", "they name the same setting: send one of them"));
        return (body.EnabledRatio ?? body.MatchingEnabledRatio, null);
    }

    internal static string KnownTypes() => string.Join(", ", SignalType.Known.Select(t => t.Name));

    /// <summary>HMA's bank object; a disabled bank shows ratio 0, as HMA has no separate flag.</summary>
    internal static Dictionary<string, object> BankJson(Bank bank) => new()
    {
        ["name"] = bank.Name,
        ["matching_enabled_ratio"] = bank.Enabled ? bank.EnabledRatio : 0.0,
    };

    private static Dictionary<string, object?> ContentJson(Bank bank, BankContent content, IReadOnlyList<Signal>? signals)
    {
        long disableUntil = content.DisabledUntil switch
        {
            null => 1,
            { } until when until >= DisabledForever => 0,
            { } until => until.ToUnixTimeSeconds(),
        };
        var json = new Dictionary<string, object?>
        {
            ["id"] = content.Id,
            ["disable_until_ts"] = disableUntil,
            ["collab_metadata"] = new Dictionary<string, object>(),
            ["original_media_uri"] = null,
            ["bank"] = BankJson(bank),
        };
        if (signals is not null)
            json["signals"] = SignalsJson(signals);
        return json;
    }

    private static Dictionary<string, string> SignalsJson(IEnumerable<Signal> signals)
    {
        var json = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var signal in signals)
            json.TryAdd(signal.Type.Name, signal.Value);
        return json;
    }

    internal static IResult BankNotFound(string name) => Problems.Result(404, $"bank '{name}' not found", "GET /c/banks lists the banks");

    private static IResult ContentNotFound(long id) => Problems.Result(404, $"content '{id}' not found", "no content item with that id in this bank");
}
