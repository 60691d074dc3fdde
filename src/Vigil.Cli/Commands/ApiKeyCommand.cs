using System.CommandLine;
using System.Text.Json;
using Vigil.Storage;

using Vigil.Cli.Interaction;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil apikey create|list|revoke</c>: the keys the service accepts (stored hashed, one role each, optionally expiring).</summary>
internal static class ApiKeyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("apikey", "API keys for the service: create (the key is shown once), list, revoke");
        command.Subcommands.Add(CreateCreate(output, error));
        command.Subcommands.Add(CreateList(output));
        command.Subcommands.Add(CreateRevoke(output));
        return command;
    }

    private static Command CreateCreate(TextWriter output, TextWriter error)
    {
        var role = new Option<string>("--role", "-r")
        {
            Description = "admin, curator, matcher, reviewer or device (a platform backend uploading safety vouchers)",
            Required = true,
        };
        role.AcceptOnlyFromAmong("admin", "curator", "matcher", "reviewer", "device", "submitter");
        var name = new Option<string>("--name", "-n") { Description = "A name for the key (who or what uses it)", Required = true };
        var expiresIn = new Option<TimeSpan?>("--expires-in")
        {
            Description = "Let the key stop working by itself after this long: a whole number and s, m, h or d, e.g. 12h or 90d " +
                          "(default: it works until revoked)",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (KeyLifetime.TryParse(text, out var lifetime, out string why))
                    return lifetime;
                result.AddError(why);
                return null;
            },
        };
        var command = new Command("create", "Create a key; it is printed once, alone on the last line, and stored only as its SHA-256")
        {
            role, name, expiresIn,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            ApiKeySecrets.TryParseRole(parse.GetValue(role), out var keyRole);
            DateTimeOffset? expiresAt = parse.GetValue(expiresIn) is { } lifetime ? DateTimeOffset.UtcNow + lifetime : null;
            string keyName = parse.GetValue(name)!;
            // The audit entry names the key and its id, never the secret or its hash.
            return await CliAuditor.RunAsync(store, "apikey.create", keyName, async outcome =>
            {
                outcome["role"] = ApiKeySecrets.RoleName(keyRole);
                outcome["expires_at"] = expiresAt;
                string secret = ApiKeySecrets.Generate();
                var key = await store.CreateApiKeyAsync(keyName, keyRole, ApiKeySecrets.Hash(secret), expiresAt, ct);
                outcome["id"] = key.Id;
                outcome["expires_at"] = key.ExpiresAt;
                string expiry = key.ExpiresAt is { } at ? $", expiring {TimeText.Utc(at)}" : "";
                error.WriteLine($"created API key '{key.Name}' with role {ApiKeySecrets.RoleName(key.Role)}{expiry} in {store.Location}; keep it now, it cannot be shown again:");
                output.WriteLine(secret);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command CreateList(TextWriter output)
    {
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("list", "List the keys (names, roles, when created, revoked and expiring; never the keys)") { format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var keys = await store.ListApiKeysAsync(ct);
            var now = DateTimeOffset.UtcNow;
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(keys.Select(k => new Dictionary<string, object?>
                {
                    ["name"] = k.Name,
                    ["role"] = ApiKeySecrets.RoleName(k.Role),
                    ["created_at"] = k.CreatedAt,
                    ["revoked_at"] = k.RevokedAt,
                    ["expires_at"] = k.ExpiresAt,
                    ["expired"] = k.IsExpiredAt(now),
                })));
                return ExitCodes.Success;
            }
            if (keys.Count == 0)
            {
                output.WriteLine("no API keys (create one with 'vigil apikey create --role ROLE --name NAME')");
                return ExitCodes.Success;
            }
            int width = Math.Max(4, keys.Max(k => k.Name.Length));
            output.WriteLine($"{"NAME".PadRight(width)}  ROLE      CREATED               REVOKED               EXPIRES");
            foreach (var k in keys)
            {
                string expires = k.ExpiresAt is { } e ? TimeText.Utc(e) + (k.IsExpiredAt(now) ? " (expired)" : "") : "-";
                output.WriteLine($"{k.Name.PadRight(width)}  {ApiKeySecrets.RoleName(k.Role),-8}  {TimeText.Utc(k.CreatedAt)}  {(k.RevokedAt is { } r ? TimeText.Utc(r) : "-"),-20}  {expires}");
            }
            return ExitCodes.Success;
        });
        return command;
    }


    private static Command CreateRevoke(TextWriter output)
    {
        var name = new Argument<string>("NAME") { Description = "The key's name" };
        var command = new Command("revoke", "Revoke a key: it stops working at once; its name stays taken") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string keyName = parse.GetValue(name)!;
            return await CliAuditor.RunAsync(store, "apikey.revoke", keyName, async outcome =>
            {
                if (!await store.RevokeApiKeyAsync(keyName, ct))
                    throw new StoreException($"no active API key named '{keyName}'");
                if ((await store.ListApiKeysAsync(ct)).FirstOrDefault(k => k.Name == keyName) is { } key)
                    outcome["id"] = key.Id;
                output.WriteLine($"revoked API key '{keyName}'");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
