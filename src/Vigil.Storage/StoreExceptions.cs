namespace Vigil.Storage;

/// <summary>
/// A failure of the store that the user can understand and act on: a database that cannot be opened
/// or migrated, a missing bank, a duplicate. Callers (the CLI, the HTTP service) show its message.
/// </summary>
public class StoreException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public StoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>No bank has the given name.</summary>
public sealed class BankNotFoundException : StoreException
{
    /// <summary>Creates the exception for <paramref name="bankName"/>.</summary>
    public BankNotFoundException(string bankName)
        : base(Storage.BankName.Suggest(bankName) is { } meant ? $"bank '{bankName}' not found; did you mean {meant}?" : $"bank '{bankName}' not found")
    {
        BankName = bankName;
    }

    /// <summary>The name that was looked up.</summary>
    public string BankName { get; }
}

/// <summary>A bank with the given name exists already.</summary>
public sealed class BankAlreadyExistsException : StoreException
{
    /// <summary>Creates the exception for <paramref name="bankName"/>.</summary>
    public BankAlreadyExistsException(string bankName)
        : base($"bank '{bankName}' already exists")
    {
        BankName = bankName;
    }

    /// <summary>The name that is taken.</summary>
    public string BankName { get; }
}

/// <summary>No content item has the given id.</summary>
public sealed class ContentNotFoundException : StoreException
{
    /// <summary>Creates the exception for <paramref name="contentId"/>.</summary>
    public ContentNotFoundException(long contentId)
        : base($"content {contentId} not found")
    {
        ContentId = contentId;
    }

    /// <summary>The id that was looked up.</summary>
    public long ContentId { get; }
}

/// <summary>
/// Content added on its own (not through an import, which counts such items as unchanged) that the
/// bank already holds: one of its signals, or its source and source id, is already in the bank.
/// </summary>
public sealed class DuplicateContentException : StoreException
{
    /// <summary>Creates the exception naming the bank and the content item already there.</summary>
    public DuplicateContentException(string bankName, long existingContentId)
        : base($"bank '{bankName}' already holds this content (content {existingContentId} has the same signal or source id)")
    {
        BankName = bankName;
        ExistingContentId = existingContentId;
    }

    /// <summary>The bank.</summary>
    public string BankName { get; }

    /// <summary>The id of the content item that the new one duplicates.</summary>
    public long ExistingContentId { get; }
}

/// <summary>A bank name that breaks the naming rule (see <see cref="Storage.BankName"/>).</summary>
public sealed class InvalidBankNameException : ArgumentException
{
    /// <summary>Creates the exception with the reason the name is invalid.</summary>
    public InvalidBankNameException(string? bankName, string reason)
        : base(reason)
    {
        BankName = bankName;
    }

    /// <summary>The rejected name.</summary>
    public string? BankName { get; }
}
