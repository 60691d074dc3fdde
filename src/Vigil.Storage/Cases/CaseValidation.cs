namespace Vigil.Storage;

/// <summary>Checks of review input before it is stored (the service answers 400 before these would throw).</summary>
public static class CaseValidation
{
    /// <summary>Longest subject.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>Longest free-text context field (screen name, email, file name, URL, reason).</summary>
    public const int MaxTextLength = 2_000;

    /// <summary>Most matches one item records.</summary>
    public const int MaxMatches = 1_000;

    /// <summary>The reason an item stands, or why not (null: it may be stored).</summary>
    public static string? Problem(NewCaseItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (string.IsNullOrWhiteSpace(item.Subject) || item.Subject.Length > MaxSubjectLength || item.Subject.Any(char.IsControl))
            return $"subject must be 1 to {MaxSubjectLength} printable characters";
        if (string.IsNullOrEmpty(item.Source) || item.Source.Length > 50)
            return "source must be 1 to 50 characters";
        if (item.Priority is < 1 or > CasePriority.Lowest)
            return $"priority must be 1 to {CasePriority.Lowest}";
        if (item.Matches.Count > MaxMatches)
            return $"an item records at most {MaxMatches} matches";
        var context = item.Context;
        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("screen_name", context.ScreenName), ("email", context.Email),
                     ("file_name", context.FileName), ("ip", context.Ip), ("url", context.Url), ("reason", item.Reason)])
        {
            if (value is { Length: > MaxTextLength })
                return $"{name} is at most {MaxTextLength} characters";
        }
        if (context.Port is < 0 or > 65535)
            return "port must be 0 to 65535";
        if (item.Account is not null && !PsiNames.IsValidAccount(item.Account))
            return "account is not a valid private-matching account name";
        if (item.Scores.Count > 8)
            return "an item carries at most 8 classifier scores";
        foreach (var score in item.Scores)
        {
            if (string.IsNullOrWhiteSpace(score.Model) || score.Model.Length > 200 || score.Version.Length > 200)
                return "a classifier score names its model and version (at most 200 characters each)";
            if (!(score.Score is >= 0 and <= 1) || !(score.Threshold is >= 0 and <= 1) || score.Labels.Count > 100)
                return "a classifier score and its threshold are 0 to 1, with at most 100 labels";
        }
        if (item.Messages.Count > 100)
            return "an item shows at most 100 messages";
        foreach (var message in item.Messages)
        {
            if (message.Text.Length > MaxTextLength * 5 || message.Sender.Length > 200 || message.Recipient.Length > 200)
                return $"a message's text is at most {MaxTextLength * 5} characters and its parties at most 200";
        }
        if (item.Thumbnail is { Length: > PsiNames.MaxThumbnailBytes })
            return $"a thumbnail is at most {PsiNames.MaxThumbnailBytes} bytes";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <see cref="Problem"/> finds one.</summary>
    public static void Validate(NewCaseItem item)
    {
        if (Problem(item) is { } problem)
            throw new ArgumentException(problem, nameof(item));
    }

    /// <summary>Checks a reviewer's name (an API key's name, or <c>cli:USER@HOST</c>).</summary>
    public static void ValidateReviewer(string reviewer)
    {
        if (string.IsNullOrWhiteSpace(reviewer) || reviewer.Length > 200)
            throw new ArgumentException("a reviewer is named by 1 to 200 characters", nameof(reviewer));
    }
}
