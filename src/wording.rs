//! Every word the kiosk, the admin console, the service screens and the
//! e-mails show, in English and Spanish, keyed by message id.
//!
//! One table, so a translator sees every string side by side and a screen
//! can never show half a language. Placeholders are `{name}`, filled by
//! [`fill`]. The screens wrap lines at spaces (`ui::page`); lines kept
//! under 76 columns fit one row at 80x24.

use std::fmt::Display;

use crate::domain::Language;

/// A message id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Text {
    // Chrome.
    KioskTitle,
    LockerCode,
    // Home.
    Welcome,
    HomeIntro,
    HomeIntroPaused,
    HomePickup,
    HomeDeposit,
    HomeHelp,
    HomeLanguage,
    // Code entry.
    PickupTitle,
    EnterCode,
    OrScan,
    KeysCodeEntry,
    KeysCodeEntryEmpty,
    // Door open for a pickup.
    DoorIsOpen,
    DoorOpening,
    TakeParcel,
    CloseWhenDone,
    WhereDoor,
    // After the pickup.
    ThankYou,
    PickupComplete,
    ReopenKey,
    ReportKey,
    DoneKey,
    // Problems.
    ReportTitle,
    ProblemWrongParcel,
    ProblemDamaged,
    ProblemEmpty,
    ProblemDoorDidNotOpen,
    BackKey,
    ProblemRecorded,
    ProblemReference,
    ProblemNextStep,
    // Invalid code.
    CodeNotAccepted,
    CodeUsed,
    CodeExpired,
    CodeReplaced,
    CodeReassigned,
    AskStaff,
    CodeOtherKiosk,
    CodeHeldElsewhere,
    CodeNeedsInspection,
    CodeDoorBusy,
    CodeMalformed,
    CodeUnknown,
    ScannedTracking,
    ScannedRecipientId,
    ScannedOther,
    CheckRightKiosk,
    CheckSixDigits,
    CheckNotOld,
    CheckAskStaff,
    TriesLeft,
    OneTryLeft,
    KeysTryAgain,
    // Lockout.
    LockedTitle,
    LockedWhy,
    LockedWait,
    LockedStillWorks,
    KeysLocked,
    NeedHelp,
    // Fee.
    FeeTitle,
    FeeBeforeOpen,
    FeeUse,
    FeeStorage,
    FeeTotal,
    KeysFee,
    FeeBilledLater,
    // Door faults.
    DoorDidNotOpen,
    CannotOpenNow,
    CodeStillValid,
    StaffAlerted,
    DepositDoorFault,
    KeysHome,
    KeysFaultDeposit,
    // Courier sign-in.
    SignInTitle,
    EnterUser,
    OrBadge,
    UserLabel,
    PinLabel,
    EnterPin,
    KeysSignIn,
    WrongPin,
    SignInPaused,
    /// Between `#` and the engine's answer.
    Checking,
    /// Shortly before the inactivity reset.
    StillThere,
    // Staff menu.
    SignedInAs,
    MenuDeposit,
    MenuRemoval,
    MenuSignOut,
    // Deposit.
    TrackingTitle,
    TrackingHow,
    TrackingInvalid,
    TrackingCheckDigit,
    ClassTitle,
    ClassHow,
    KeysClass,
    RecipientTitle,
    RecipientHow,
    RecipientInvalid,
    KeysTyping,
    NotRegisteredTitle,
    NotRegisteredWhy,
    KeysNextOrMenu,
    SizeTitle,
    SizeLine,
    SizeDimensions,
    DimensionsTitle,
    DimensionsHow,
    Height,
    Width,
    Depth,
    OversizedTitle,
    OversizedWhy,
    NoCompartmentTitle,
    NoCompartmentWhy,
    TryLarger,
    CancelKey,
    PutParcelIn,
    DepositKeys,
    /// The largest size: nothing bigger to offer.
    DepositKeysLargest,
    DimensionZero,
    ClosedEmpty,
    MovedDoor,
    CancelledClose,
    DepositCancelled,
    LeftInside,
    /// A door opened by an admin or technician (the console, the socket).
    StaffOpened,
    StoredTitle,
    Receipt,
    RecipientTold,
    KeysStored,
    // Removal walk.
    RemovalTitle,
    RemovalLeft,
    RemovalNext,
    RemovalOpen,
    RemovalTakeOut,
    RemovalCount,
    RemovalNone,
    RemovalDone,
    KeysRemoval,
    KeysRemovalDone,
    // Out of service.
    OutOfServiceTitle,
    OutOfServiceWhy,
    OutOfServiceContact,
    CodesStayValid,
    // Help.
    HelpTitle,
    HelpPickup,
    HelpScan,
    HelpDoor,
    HelpCourier,
    HelpKeys,
    HelpContact,
    HelpLostCode,
    LostCodeTitle,
    LostCodeHow,
    KeysLostCode,
    LostCodeSentTitle,
    LostCodeSent,
    LostCodeSentWhere,
    // Notices.
    NotAccepted,
    SessionEnded,
    NotAllowed,
    ReopenOver,
    NoLargerDoor,
    SomethingWrong,
    TypeFirst,
    // Audit actions, as stored in the audit log.
    DidAccountClosed,
    DidAlertAcknowledged,
    DidBoardOffline,
    DidBusUp,
    DidCodeResent,
    DidControl,
    DidDepositCancelled,
    DidDepositDoorReleased,
    DidDepositStarted,
    DidDepositStored,
    DidDisabled,
    DidDoesNotFit,
    DidDoorClosed,
    DidEnabled,
    DidExpired,
    DidForcedOpen,
    DidHoldExtended,
    DidInspected,
    DidInspectionNeeded,
    DidIntentSettled,
    DidItemInputsRefused,
    DidJammed,
    DidLostCode,
    DidManualUnlock,
    DidMarkerAdded,
    DidMarkersExported,
    DidOutboxRetry,
    DidParcelPlaced,
    DidPickedUp,
    DidPinReset,
    DidProblemReported,
    DidPulse,
    DidPulseFailed,
    DidReassigned,
    DidRecipientSaved,
    DidRecovery,
    DidReminder,
    DidRemoved,
    DidSignIn,
    DidUserAdded,
    DidUserRemoved,
    DidVacation,
    DidWrongCode,
    DidWrongPin,
    // Alert kinds.
    AlertJam,
    AlertDoorLeftOpen,
    AlertLockout,
    AlertDailyCap,
    AlertBusDown,
    AlertNotificationDead,
    AlertCodesReissued,
    AlertItemSensorsUnreadable,
    // Marker kinds.
    MarkManual,
    // Door-opening reasons.
    WhyDeposit,
    WhyPickup,
    WhyReopen,
    WhyRemoval,
    // Parcel states.
    StateDepositing,
    StateStored,
    StateExpired,
    StateRemoved,
    // Parcel classes.
    ClassDomestic,
    ClassInternational,
    ClassExpress,
    ClassExpressInternational,
    // Roles.
    RoleCourier,
    RoleAdmin,
    RoleTechnician,
    // Door sensor and compartment states.
    DoorOpen,
    DoorClosedState,
    DoorUnknown,
    SlotFree,
    SlotReserved,
    SlotOccupied,
    SlotDisabled,
    SlotFaulty,
    // E-mail delivery states and kinds.
    MailQueued,
    MailSent,
    MailDead,
    MailDelivered,
    MailReminder1,
    MailReminder2,
    MailFinalNotice,
    MailProofOfDelivery,
    MailAdminAlert,
    // Why a code or PIN was refused.
    NoMalformed,
    NoUnknown,
    NoUsed,
    NoExpired,
    NoReplaced,
    NoReassigned,
    NoOtherKiosk,
    NoHeldElsewhere,
    NoNotACode,
    NoSignInLocked,
    NoNeedsInspection,
    NoDoorBusy,
    NoNotRegistered,
    NoOversized,
    NoNoCompartment,
    NoBusDown,
    NoWrongPin,
    NoReopenClosed,
    NoParcelsWaiting,
    // What a recipient reported, what an inspection found.
    SaysWrongParcel,
    SaysDamaged,
    SaysEmpty,
    SaysDoorDidNotOpen,
    FoundEmpty,
    FoundParcel,
    VacationEnded,
    VacationUntil,
    // The admin console: the keys line (keypad names; a laptop keyboard's
    // are put in by the console).
    KeysParcels,
    KeysPeople,
    KeysMarkers,
    KeysAudit,
    KeysBus,
    KeysAlerts,
    KeysOutbox,
    KeysStaffSignIn,
    KeysStaffSignInBoard,
    KeysMenu,
    KeysMenuService,
    KeysForm,
    KeysFormBoard,
    KeysDoor,
    KeysParcel,
    KeysBank,
    // The admin console: sign-in, menu, forms, the bank.
    ConsoleTitle,
    ConsoleTitleKiosk,
    SignInStaff,
    UserNumber,
    PinField,
    MenuTitle,
    LeaveService,
    SignOutItem,
    PickReason,
    SignedOutIdle,
    MenuBank,
    MenuParcels,
    MenuPeople,
    MenuMarkers,
    MenuAudit,
    MenuBus,
    MenuAlerts,
    MenuOutbox,
    BankLegend1,
    BankLegend2,
    BankLegend3,
    ServiceLegend,
    LockBoards,
    BoardState,
    FormUnlock,
    FormUnlockParcel,
    FormUnlockSomething,
    FormUnlockEmpty,
    FormDisable,
    FormEnable,
    FormInspectedEmpty,
    FormInspectedParcel,
    FormExtend,
    FormReassign,
    FormVacation,
    FormAck,
    FormMarkerDoor,
    FormMarker,
    FormPin,
    FormAddUser,
    FormNewUserRole,
    FormNewUserPin,
    FormAuditAction,
    FormAuditActor,
    FormAuditSince,
    FilterByDoor,
    FilterByAction,
    FilterByActor,
    FilterBySince,
    PickOne,
    FormAddRecipient,
    FormEditRecipient,
    FormDelegate,
    FormMarkerFilter,
    FormParcelSearch,
    FormAuditFilter,
    FormDoor,
    ReasonPulseTest,
    ReasonStuck,
    ReasonInspection,
    ReasonAtDesk,
    ReasonMaintenance,
    ReasonBroken,
    ReasonCleaning,
    ReasonRepaired,
    ReasonCleaned,
    ReasonKeptAtDesk,
    ReasonReturnedToCourier,
    ReasonCheckedCamera,
    ReasonFalseAlarm,
    ReasonHandledOnSite,
    ReasonIncident,
    ReasonForCamera,
    NeedReason,
    NeedDays,
    NeedDate,
    NeedMarkerNote,
    NeedRole,
    NeedNameRolePin,
    NeedIdEmailName,
    NeedRecipientId,
    NeedEmailName,
    NeedNameEmail,
    TryMarkerFilter,
    TryAuditFilter,
    NeedDoor,
    ServiceLaptop,
    // E-mails.
    MailDeliveredSubject,
    MailDeliveredBody,
    MailFeePerUse,
    MailFeeStorage,
    MailFeeBilled,
    MailReminderSubject,
    MailReminderBody,
    MailFinalSubject,
    MailFinalBody,
    MailHeldAtOffice,
    MailDomesticItem,
    MailInternationalItem,
    MailReturnedToSender,
    MailPickedUpSubject,
    MailPickedUpBody,
    MailReassignedSubject,
    MailReassignedBody,
    MailProofSubject,
    MailProofBody,
    MailAlertSubject,
    MailAlertBody,
    // Text messages: short, no door (the kiosk shows it), no link.
    SmsDelivered,
    SmsReminder,
    SmsFinal,
    SmsPickedUp,
    SmsReassigned,
    SmsReturnIssued,
    SmsReturnLabel,
    SmsReturnReceipt,
    SmsReturnCollected,
    // The admin console: lists.
    ListNone,
    ListPosition,
    ParcelsLive,
    ParcelsFound,
    ParcelsExpired,
    ColParcel,
    ColTracking,
    ColRecipient,
    ColDoor,
    ColState,
    ColHeldUntil,
    ColKind,
    ColNameId,
    ColId,
    ColWhen,
    ColCamera,
    ColActor,
    ColNote,
    ColSeq,
    ColAction,
    ColDetail,
    ColText,
    ColCreated,
    ColTo,
    ColTries,
    ColLastError,
    PeopleTitle,
    PeopleHelp1,
    PeopleHelp2,
    RecipientKind,
    AccountClosed,
    AwayUntil,
    MarkersTitle,
    AuditTitle,
    FilterLine,
    FilterAll,
    FilterDoor,
    FilterCamera,
    FilterActor,
    FilterAction,
    FilterSince,
    FilterUntil,
    ChainLine,
    ChainPress9,
    ChainOk,
    ChainBroken,
    BusTitle,
    BusBoard,
    Online,
    Offline,
    BusLine,
    BusPulses,
    BusRound,
    BusNoCounters,
    DoorsHeader,
    BusDoorRow,
    ItemInside,
    ItemNone,
    AlertsTitle,
    AlertOpen,
    AlertSeenBy,
    OutboxTitle,
    // The admin console: a door and a parcel.
    DoorTitle,
    DoorStateLine,
    ToInspect,
    DoorSensorLine,
    ItemSensorLine,
    SomethingInside,
    NoItemSensor,
    LockLine,
    NoneWord,
    ParcelInDoor,
    ParcelOnly,
    NoParcel,
    DoEnable,
    DoDisable,
    DoOpen,
    DoInspectedEmpty,
    DoInspectedParcel,
    DoMarker,
    ParcelTitle,
    ParcelFor,
    ParcelClassLine,
    ParcelDeposited,
    ParcelExtended,
    ParcelActions,
    HistoryTitle,
    NothingRecorded,
    // The admin console: notices.
    CouriersAtKiosk,
    WrongUserOrPin,
    SignInPausedUntil,
    DoorOpeningNotice,
    CodeReplacedNotice,
    DoorUpdated,
    DoneNotice,
    MarkersWritten,
    SessionEndedAgain,
    NotAllowedRole,
    NotDone,
    NotFoundNotice,
    DemoCodes,
    DemoCodeLine,
    DemoCouriers,
    DemoQr,
    DemoLabel,
    DemoReturn,
    DemoRecipients,
    DemoConsole,
    DemoClose,
    ActorHere,
    AlertAlreadySeen,
    FormCloseAccount,
    FormRemoveUser,
    FormAuditFilterKeypad,
    FormMarkerFilterKeypad,
    NeedsKeyboard,
    KeysPeopleKeypad,
    FeesTitle,
    KeysFees,
    FeesHelp,
    FeeDueState,
    FeesTotal,
    ColFeeUse,
    ColFeeDays,
    ColFeeStorage,
    ColFeeTotal,
    PeopleHelp2Keypad,
    DetailAuditTitle,
    DetailAlertTitle,
    DetailMarkerTitle,
    DetailDoor,
    DetailBoard,
    DetailSeen,
    KeysDetail,
    KeysDetailAlert,
    DatabaseFailed,
    // Sentences the engine stores in alerts and the audit log, in English
    // (`said`), read back in the console's language (`reword`).
    SaidItemInputsRefused,
    SaidBoardSilent,
    SaidBusDown,
    SaidBoard,
    SaidBoardBack,
    SaidLeftOpen,
    SaidForcedOpen,
    SaidSomethingInside,
    SaidParcelGone,
    SaidJam,
    SaidRestartInspection,
    SaidSensorUnreadable,
    SaidSensorsUndecided,
    SaidGivenUpFull,
    SaidGivenUp,
    SaidNotFitOrCancelled,
    SaidDidNotOpen,
    SaidRestartEmpty,
    SaidSignInPaused,
    SaidCodesPaused,
    SaidDailyCap,
    SaidProblem,
    SaidCodesReissued,
    SaidMessageDead,
    SaidReminder,
    SaidReturnToSender,
    SaidToOffice,
    SaidMovedTo,
    SaidExtended,
    SaidNothingChanged,
    SaidMessages,
    // What was not found (`thing.*`).
    ThingParcel,
    ThingDoor,
    ThingCompartment,
    ThingRecipient,
    ThingUser,
    ThingAlert,
    ThingMessage,
    // Why the engine did not carry out a command (`rejection.*`).
    RejNotExpired,
    RejNotWaiting,
    RejNotBeingDeposited,
    RejDimensionTooSmall,
    RejTrackingMalformed,
    RejTrackingCheckDigit,
    RejLargerSize,
    RejNoFreeCode,
    RejFeeOfferExpired,
    RejReasonNeeded,
    RejExtendDays,
    RejClosedAccount,
    RejRecipientExists,
    RejNothingToChange,
    RejRecipientIdMalformed,
    RejUserExists,
    RejPinMalformed,
    RejLastAdmin,
    RejOrderRepeated,
    RejRecipientIdReserved,
    RejReturnLabelMalformed,
    RejReturnLabelInUse,
    RejReturnNotIssued,
    RejNotAReturn,
    RejIsAReturn,
    RejReturnStillInside,
    // Returns.
    DidReturnIssued,
    DidReturnWithdrawn,
    DidDirectoryReceived,
    SupportTitle,
    SupportWatching,
    SupportKiosks,
    SupportNoKiosks,
    SupportOnline,
    SupportLastSeen,
    SupportNotHeard,
    SupportColKiosk,
    SupportColState,
    SupportColFree,
    SupportColOccupied,
    SupportColFaulty,
    SupportColAlerts,
    SupportKioskHeading,
    SupportNoDetail,
    SupportOpenAlerts,
    SupportColDoor,
    SupportColSize,
    SupportColParcel,
    SupportColRecipient,
    SupportColUntil,
    SupportAlertsHeading,
    SupportColNumber,
    SupportColWhen,
    SupportColAlert,
    SupportRecipients,
    SupportClosed,
    SupportColName,
    SupportColVacation,
    SupportColParcels,
    SupportOnVacation,
    SupportVacationEnds,
    SupportHolds,
    SupportHoldsNothing,
    SupportOpenDoor,
    SupportResend,
    SupportExtend,
    SupportAcknowledge,
    SupportVacation,
    SupportNewRecipient,
    SupportChangeEmail,
    SupportAskReason,
    SupportAskDays,
    SupportAskNote,
    SupportAskUntil,
    SupportAskRecipientId,
    SupportAskName,
    SupportAskEmail,
    SupportReason,
    SupportByDays,
    SupportSignedBy,
    SupportSending,
    SupportDone,
    SupportRefused,
    SupportNoAnswer,
    SupportNoParcelThere,
    SupportNoKioskOnline,
    SupportReadOnly,
    SupportSayWhy,
    SupportBadDays,
    SupportBadDate,
    SupportBadRecipientId,
    SupportBadRecipient,
    SupportKeysKiosks,
    SupportKeysKiosk,
    SupportKeysAlerts,
    SupportKeysRecipients,
    SupportKeysRecipient,
    SupportKeysForm,
    SupportKeysConfirm,
    SupportKeysSending,
    SupportKeysLeave,
    SupportOrderRefused,
    SupportCloseAccount,
    SupportStaff,
    SupportColRole,
    SupportRemoveUser,
    SupportKeysStaff,
    DidReturnDropStarted,
    DidReturnDropCancelled,
    DidReturnDropped,
    DidReturnCollected,
    WhyReturnDrop,
    WhyReturnCollect,
    MailReturnReceipt,
    NoReturnMalformed,
    NoReturnUnknown,
    ReturnStateIssued,
    ReturnStateDropping,
    ReturnStateWaiting,
    ReturnStateCollected,
    ReturnStateWithdrawn,
    ThingReturn,
    MailReturnIssuedSubject,
    MailReturnIssuedBody,
    MailReturnLabelBody,
    MailReturnReceiptSubject,
    MailReturnReceiptBody,
    MailReturnCollectedSubject,
    MailReturnCollectedBody,
    HelpReturn,
    ReturnTitle,
    ReturnHow,
    KeysReturnCode,
    ReturnPutIn,
    KeysReturnDoor,
    ReturnNotDroppedTitle,
    ReturnNotDroppedText,
    ReturnCodeStillWorks,
    ReturnDroppedText,
    ReturnReceiptLine,
    ReturnReceiptSent,
    ReturnCodeUnknown,
    ReturnCodeMalformed,
    ReturnNoDoor,
    ReturnDoorBusy,
    MenuReturns,
    ReturnsTitle,
    ReturnsLeft,
    ReturnsNext,
    ReturnsOpen,
    ReturnsCloseAfter,
    ReturnsTaken,
    KeysReturnsTaken,
    ReturnsCount,
    ReturnsNone,
    ReturnsStillInside,
    ReturnsDone,
    // The admin console: returns authorised here.
    MenuReturnAuths,
    ReturnAuthsTitle,
    KeysReturnAuths,
    KeysReturnAuthsKeypad,
    ColSize,
    ColReference,
    ColFor,
    PickSizeS,
    PickSizeM,
    PickSizeL,
    PickSizeXL,
    FormReturnSize,
    FormReturnRecipient,
    FormReturnRecipientKeypad,
    FormReturnReference,
    FormReturnLabel,
    FormWithdrawReturn,
    NeedReturnSize,
    NeedRecipientOrEmail,
    ReturnIssuedTitle,
    ReturnIssuedCode,
    ReturnIssuedOnce,
    ReturnIssuedLabel,
    ReturnIssuedTold,
    KeysReturnIssued,
    ReturnNotWithdrawable,
    ReturnWithdrawnNotice,
}

use Text::*;

/// `(English, Spanish)` for one message.
fn strings(id: Text) -> (&'static str, &'static str) {
    match id {
        KioskTitle => ("Kiosk {letter} - {name}", "Quiosco {letter} - {name}"),
        LockerCode => ("Locker code {code}", "Código del casillero {code}"),
        Welcome => ("Welcome", "Bienvenido"),
        HomeIntroPaused => (
            "Typed codes are paused until {time}. The QR code from your message still works.",
            "Los códigos tecleados están en pausa hasta las {time}. El código QR de su mensaje sigue funcionando.",
        ),
        HomeIntro => (
            "Type your 6-digit code, or scan the QR code from your message.",
            "Escriba su código de 6 dígitos o escanee el código QR de su mensaje.",
        ),
        HomePickup => ("{pickup}  Pick up a parcel", "{pickup}  Recoger un paquete"),
        HomeDeposit => (
            "{deposit}  Deposit (couriers)",
            "{deposit}  Depositar (mensajeros)",
        ),
        HomeHelp => (
            "{help}  Help, returns, lost code",
            "{help}  Ayuda, devolver, código perdido",
        ),
        HomeLanguage => ("{language}  Español", "{language}  English"),
        PickupTitle => ("Pick up a parcel", "Recoger un paquete"),
        EnterCode => (
            "Enter the 6-digit code from your message:",
            "Escriba el código de 6 dígitos de su mensaje:",
        ),
        OrScan => (
            "Or scan the QR code from your message.",
            "O escanee el código QR de su mensaje.",
        ),
        KeysCodeEntryEmpty => (
            "{enter} Open door   {back} Home",
            "{enter} Abrir puerta   {back} Inicio",
        ),
        KeysCodeEntry => (
            "{enter} Open door   {back} Delete",
            "{enter} Abrir puerta   {back} Borrar",
        ),
        DoorIsOpen => ("Door {door} is open", "La puerta {door} está abierta"),
        DoorOpening => (
            "Door {door} is opening",
            "La puerta {door} se está abriendo",
        ),
        TakeParcel => ("Take your parcel.", "Tome su paquete."),
        CloseWhenDone => (
            "Please close the door when done.",
            "Cierre la puerta al terminar, por favor.",
        ),
        WhereDoor => (
            "Door {door}: column {column} from the left, row {row} from the top.",
            "Puerta {door}: columna {column} desde la izquierda, fila {row} desde arriba.",
        ),
        ThankYou => ("Thank you!", "¡Gracias!"),
        PickupComplete => (
            "Door {door} is closed. Your pickup is complete.",
            "La puerta {door} está cerrada. Recogida completada.",
        ),
        ReopenKey => (
            "{enter}  Re-open door {door} (within {secs} s)",
            "{enter}  Reabrir la puerta {door} (durante {secs} s)",
        ),
        ReportKey => (
            "{help}  Report a problem",
            "{help}  Informar de un problema",
        ),
        DoneKey => ("{back}  Done", "{back}  Terminar"),
        ReportTitle => (
            "Report a problem with door {door}",
            "Informar de un problema con la puerta {door}",
        ),
        ProblemWrongParcel => ("1  Wrong parcel", "1  Paquete equivocado"),
        ProblemDamaged => ("2  Parcel damaged", "2  Paquete dañado"),
        ProblemEmpty => ("3  Compartment empty", "3  Compartimento vacío"),
        ProblemDoorDidNotOpen => ("4  Door did not open", "4  La puerta no se abrió"),
        BackKey => ("{back}  Back", "{back}  Volver"),
        ProblemRecorded => (
            "Staff have been told about door {door}.",
            "El personal ha sido avisado sobre la puerta {door}.",
        ),
        ProblemReference => (
            "Your report's reference number: {reference}",
            "Número de referencia de su aviso: {reference}",
        ),
        ProblemNextStep => (
            "Quote it when you ask staff about it: {contact}",
            "Indíquela cuando pregunte al personal: {contact}",
        ),
        CodeNotAccepted => ("Code not accepted", "Código no aceptado"),
        CodeUsed => (
            "This code was already used: its parcel was collected. Not you? Ask staff.",
            "Este código ya se usó: el paquete fue recogido. ¿No fue usted? Avise.",
        ),
        CodeExpired => (
            "This code has expired. Collect your parcel at the office.",
            "Este código ha caducado. Recoja su paquete en la oficina.",
        ),
        CodeReplaced => (
            "This code was replaced by a newer one. Use your latest message.",
            "Este código fue sustituido por uno nuevo. Use su último mensaje.",
        ),
        CodeReassigned => (
            "This code no longer works: its parcel went to another recipient.",
            "Este código ya no sirve: el paquete se asignó a otro destinatario.",
        ),
        AskStaff => (
            "Please ask staff: {contact}",
            "Pregunte al personal: {contact}",
        ),
        CodeOtherKiosk => (
            "This QR code is for Kiosk {kiosk}. This is Kiosk {letter}.",
            "Este código QR es del quiosco {kiosk}. Este es el quiosco {letter}.",
        ),
        CodeHeldElsewhere => (
            "This code is for Kiosk {kiosk} (locker code {locker_code}). This is Kiosk {letter}.",
            "Este código es del quiosco {kiosk} (código de taquilla {locker_code}). Este es el quiosco {letter}.",
        ),
        CodeNeedsInspection => (
            "This door needs a check by staff. Please ask: {contact}",
            "Esta puerta necesita una revisión. Pregunte a: {contact}",
        ),
        CodeDoorBusy => ("That door is already open.", "Esa puerta ya está abierta."),
        CodeMalformed => ("A code has 6 digits.", "Un código tiene 6 dígitos."),
        ScannedTracking => (
            "That is a tracking label, not a pickup code. Couriers: press {deposit}.",
            "Es una etiqueta de envío, no un código. Mensajeros: pulsen B.",
        ),
        ScannedRecipientId => (
            "That is a recipient ID, not a pickup code. Your code is in your message.",
            "Es un ID de destinatario, no un código. Su código está en su mensaje.",
        ),
        ScannedOther => (
            "That barcode is not a pickup code. Scan the QR code from your message.",
            "Ese código de barras no sirve. Escanee el código QR de su mensaje.",
        ),
        CodeUnknown => (
            "We could not find this code. Please check:",
            "No encontramos este código. Compruebe:",
        ),
        CheckRightKiosk => (
            "- The right kiosk: this is Kiosk {letter}, locker code {code}.",
            "- El quiosco correcto: este es el quiosco {letter}, código {code}.",
        ),
        CheckSixDigits => ("- You typed all 6 digits.", "- Escribió los 6 dígitos."),
        CheckNotOld => (
            "- It is not an old code, already used for another parcel.",
            "- No es un código antiguo, ya usado para otro paquete.",
        ),
        CheckAskStaff => (
            "- Still not working? Ask staff: {contact}",
            "- ¿Sigue sin funcionar? Pregunte al personal: {contact}",
        ),
        TriesLeft => (
            "{tries} tries left before typed codes pause.",
            "Quedan {tries} intentos antes de pausar los códigos.",
        ),
        OneTryLeft => (
            "1 try left before typed codes pause.",
            "Queda 1 intento antes de pausar los códigos.",
        ),
        KeysTryAgain => (
            "{enter} Try again   {back} Home",
            "{enter} Reintentar   {back} Inicio",
        ),
        LockedTitle => ("Typed codes paused", "Códigos tecleados en pausa"),
        LockedWhy => (
            "Too many wrong codes were typed here.",
            "Se han tecleado demasiados códigos incorrectos.",
        ),
        LockedWait => (
            "Typed codes work again in {left}",
            "Los códigos tecleados vuelven en {left}",
        ),
        LockedStillWorks => (
            "You can still scan the QR code from your message.",
            "Puede escanear el código QR de su mensaje.",
        ),
        KeysLocked => (
            "{deposit} Deposit   {help} Help   {language} Language   {back} Home",
            "{deposit} Depositar   {help} Ayuda   {language} Idioma   {back} Inicio",
        ),
        NeedHelp => ("Need help? {contact}", "¿Necesita ayuda? {contact}"),
        FeeTitle => ("Fee for this pickup", "Tarifa de esta recogida"),
        FeeBeforeOpen => (
            "Door {door} opens after you accept the fee.",
            "La puerta {door} se abre al aceptar la tarifa.",
        ),
        FeeUse => ("Use fee", "Tarifa de uso"),
        FeeStorage => ("Storage, {days} days", "Almacenaje, {days} días"),
        FeeTotal => ("Total", "Total"),
        KeysFee => (
            "{enter} Accept and open   {back} Cancel",
            "{enter} Aceptar y abrir   {back} Cancelar",
        ),
        FeeBilledLater => (
            "Your building bills it; not paid here.",
            "Lo cobra su edificio; aquí no se paga.",
        ),
        DoorDidNotOpen => ("Door {door} did not open", "La puerta {door} no se abrió"),
        CannotOpenNow => ("The door could not be opened", "No se pudo abrir la puerta"),
        CodeStillValid => (
            "Your code is still valid: you can try again later.",
            "Su código sigue siendo válido: puede intentarlo más tarde.",
        ),
        StaffAlerted => (
            "Staff have been alerted and will help you.",
            "El personal ha sido avisado y le ayudará.",
        ),
        DepositDoorFault => (
            "The parcel was not stored. Choose the size again for another door.",
            "El paquete no se guardó. Elija el tamaño otra vez para otra puerta.",
        ),
        KeysHome => ("{back} Home", "{back} Inicio"),
        KeysFaultDeposit => (
            "{enter} Choose size   {back} Menu",
            "{enter} Elegir tamaño   {back} Menú",
        ),
        SignInTitle => ("Courier sign-in", "Acceso de mensajeros"),
        EnterUser => (
            "Type your user number, then {enter}.",
            "Escriba su número de usuario y pulse {enter}.",
        ),
        OrBadge => ("Or scan your badge.", "O escanee su tarjeta."),
        UserLabel => ("User", "Usuario"),
        PinLabel => ("PIN", "PIN"),
        EnterPin => (
            "Type your PIN, then {enter}.",
            "Escriba su PIN y pulse {enter}.",
        ),
        KeysSignIn => (
            "{enter} Next   {back} Delete",
            "{enter} Siguiente   {back} Borrar",
        ),
        WrongPin => ("Wrong user or PIN.", "Usuario o PIN incorrecto."),
        Checking => ("Checking…", "Comprobando…"),
        StillThere => (
            "Still there? Press any key to stay on this screen.",
            "¿Sigue ahí? Pulse una tecla para seguir en esta pantalla.",
        ),
        SignInPaused => (
            "Too many wrong PINs for this user. Try after {reason}, or scan a badge.",
            "Demasiados PIN incorrectos. Pruebe tras las {reason} o use su tarjeta.",
        ),
        SignedInAs => ("Signed in: {user}", "Sesión iniciada: {user}"),
        MenuDeposit => ("1  Deposit a parcel", "1  Depositar un paquete"),
        MenuRemoval => ("9  Remove expired parcels", "9  Retirar paquetes caducados"),
        MenuSignOut => ("{back}  Sign out", "{back}  Cerrar sesión"),
        TrackingTitle => ("Tracking number", "Número de seguimiento"),
        TrackingInvalid => (
            "A tracking number has 4 to 40 letters, digits or '-'. Try again.",
            "Un número de seguimiento tiene de 4 a 40 letras, dígitos o '-'.",
        ),
        TrackingCheckDigit => (
            "The check digit of this S10 number (2 letters, 9 digits, 2 letters) is wrong. Try again.",
            "El dígito de control de este número S10 (2 letras, 9 dígitos, 2 letras) no es correcto.",
        ),
        ClassTitle => ("Parcel class", "Clase de paquete"),
        ClassHow => (
            "The label does not say it: press 1, 2 or 3.",
            "La etiqueta no la indica: pulse 1, 2 o 3.",
        ),
        KeysClass => (
            "{enter} Domestic   {back} Back",
            "{enter} Nacional   {back} Volver",
        ),
        TrackingHow => (
            "Scan the parcel's barcode, or type the number and press {enter}.",
            "Escanee el código de barras, o escriba el número y pulse {enter}.",
        ),
        RecipientTitle => ("Recipient ID", "ID del destinatario"),
        RecipientInvalid => (
            "A recipient ID is PX- and 6 digits. Type the 6 digits again.",
            "Un ID de destinatario es PX- y 6 dígitos. Escriba los 6 de nuevo.",
        ),
        RecipientHow => (
            "Scan the ID, or type the 6 digits after PX- and press {enter}.",
            "Escanee el ID, o escriba los 6 dígitos tras PX- y pulse {enter}.",
        ),
        KeysTyping => (
            "{enter} Next   {back} Delete / back",
            "{enter} Siguiente   {back} Borrar / volver",
        ),
        NotRegisteredTitle => (
            "Not registered: deliver as usual",
            "No registrado: entregue como de costumbre",
        ),
        NotRegisteredWhy => (
            "{recipient} has no locker account here.",
            "{recipient} no tiene cuenta de casillero aquí.",
        ),
        KeysNextOrMenu => (
            "{enter} Next parcel   {back} Menu",
            "{enter} Siguiente paquete   {back} Menú",
        ),
        SizeTitle => ("Parcel size", "Tamaño del paquete"),
        SizeLine => (
            "{key}  {size}   {h} x {w} x {d} cm",
            "{key}  {size}   {h} x {w} x {d} cm",
        ),
        SizeDimensions => (
            "5  Type the dimensions (cm)",
            "5  Escribir las medidas (cm)",
        ),
        DimensionsTitle => ("Parcel dimensions (cm)", "Medidas del paquete (cm)"),
        DimensionsHow => (
            "Type each number and press {enter}.",
            "Escriba cada número y pulse {enter}.",
        ),
        Height => ("Height", "Alto"),
        Width => ("Width", "Ancho"),
        Depth => ("Depth", "Fondo"),
        OversizedTitle => (
            "Oversized: deliver as you would without a locker",
            "Demasiado grande: entréguelo como si no hubiera casillero",
        ),
        OversizedWhy => (
            "The parcel fits no compartment (largest: 68 x 36 x 54 cm).",
            "El paquete no cabe en ningún compartimento (máx.: 68 x 36 x 54 cm).",
        ),
        NoCompartmentTitle => ("No free compartment", "No hay compartimento libre"),
        NoCompartmentWhy => (
            "No free compartment of size {size} or larger right now.",
            "Ahora no hay compartimento libre de tamaño {size} o mayor.",
        ),
        TryLarger => ("1  Try size {size}", "1  Probar tamaño {size}"),
        CancelKey => ("{back}  Cancel", "{back}  Cancelar"),
        PutParcelIn => (
            "Put the parcel in and close the door.",
            "Coloque el paquete y cierre la puerta.",
        ),
        DepositKeys => (
            "1 Does not fit   {back} Cancel",
            "1 No cabe   {back} Cancelar",
        ),
        DepositKeysLargest => ("{back} Cancel", "{back} Cancelar"),
        DimensionZero => (
            "Each side is 1 to {reason} cm. Type it again.",
            "Cada lado mide de 1 a {reason} cm. Escríbalo de nuevo.",
        ),
        ClosedEmpty => (
            "Door {door} closed with nothing inside",
            "La puerta {door} se cerró sin nada dentro",
        ),
        MovedDoor => (
            "Take the parcel out of door {from} and close it; use door {door}.",
            "Saque el paquete de la puerta {from} y ciérrela; use la puerta {door}.",
        ),
        CancelledClose => (
            "Deposit cancelled. Take the parcel out and close door {door}.",
            "Depósito cancelado. Saque el paquete y cierre la puerta {door}.",
        ),
        DepositCancelled => ("Deposit cancelled.", "Depósito cancelado."),
        LeftInside => (
            "Door {reason} closed with something inside: staff will check it.",
            "La puerta {reason} se cerró con algo dentro: el personal la revisará.",
        ),
        StaffOpened => (
            "Door {reason} was opened by staff.",
            "El personal abrió la puerta {reason}.",
        ),
        StoredTitle => (
            "Parcel stored in door {door}",
            "Paquete guardado en la puerta {door}",
        ),
        Receipt => ("Receipt: {receipt}", "Recibo: {receipt}"),
        RecipientTold => (
            "The recipient gets the code now.",
            "El destinatario recibe ahora su código.",
        ),
        KeysStored => (
            "{enter} Next parcel   {back} Sign out",
            "{enter} Siguiente paquete   {back} Cerrar sesión",
        ),
        RemovalTitle => (
            "Expired parcels to remove",
            "Paquetes caducados para retirar",
        ),
        RemovalLeft => ("Left to remove: {count}", "Por retirar: {count}"),
        RemovalNext => (
            "Next: door {door}, parcel {parcel}",
            "Siguiente: puerta {door}, paquete {parcel}",
        ),
        RemovalOpen => (
            "Door {door} is open: take parcel {parcel} out.",
            "La puerta {door} está abierta: retire el paquete {parcel}.",
        ),
        RemovalTakeOut => (
            "Close the door after taking it out.",
            "Cierre la puerta después de retirarlo.",
        ),
        RemovalCount => ("Removed so far: {count}", "Retirados hasta ahora: {count}"),
        RemovalNone => ("No expired parcels.", "No hay paquetes caducados."),
        RemovalDone => (
            "All expired parcels are out.",
            "Todos los paquetes caducados están fuera.",
        ),
        KeysRemoval => (
            "{enter} Open door   {back} Stop",
            "{enter} Abrir puerta   {back} Parar",
        ),
        KeysRemovalDone => ("{back} Menu", "{back} Menú"),
        OutOfServiceTitle => ("Out of service", "Fuera de servicio"),
        OutOfServiceWhy => (
            "The lockers cannot open right now. We keep trying.",
            "Los casilleros no pueden abrirse ahora. Seguimos intentándolo.",
        ),
        OutOfServiceContact => ("Please contact: {contact}", "Contacte con: {contact}"),
        CodesStayValid => (
            "Your codes stay valid.",
            "Sus códigos siguen siendo válidos.",
        ),
        HelpTitle => ("How to use this locker", "Cómo usar este casillero"),
        HelpPickup => (
            "Pick up: press {pickup}, type the 6-digit code from your message, then {enter}.",
            "Recoger: pulse {pickup}, escriba el código de 6 dígitos y pulse {enter}.",
        ),
        HelpScan => (
            "Or hold the QR code from your message under the scanner.",
            "O acerque el código QR de su mensaje al lector.",
        ),
        HelpDoor => (
            "The screen shows which door opens. Close it when you are done.",
            "La pantalla indica qué puerta se abre. Ciérrela al terminar.",
        ),
        HelpCourier => (
            "Couriers: press {deposit} and sign in.",
            "Mensajeros: pulse {deposit} e inicie sesión.",
        ),
        HelpKeys => (
            "{back}  deletes or goes back      {enter}  confirms",
            "{back}  borra o vuelve atrás      {enter}  confirma",
        ),
        HelpContact => ("Questions: {contact}", "Preguntas: {contact}"),
        HelpLostCode => ("Lost your code? Press 1.", "¿Perdió su código? Pulse 1."),
        LostCodeTitle => ("Lost your code?", "¿Perdió su código?"),
        LostCodeHow => (
            "Scan your recipient ID, or type the 6 digits after PX- and press {enter}.",
            "Escanee su ID de destinatario, o escriba los 6 dígitos tras PX- y pulse {enter}.",
        ),
        KeysLostCode => (
            "{enter} Send   {back} Delete / back",
            "{enter} Enviar   {back} Borrar / volver",
        ),
        LostCodeSentTitle => ("Thank you", "Gracias"),
        LostCodeSent => (
            "If this ID has parcels here, new codes are on their way.",
            "Si este ID tiene paquetes aquí, los códigos nuevos van en camino.",
        ),
        LostCodeSentWhere => (
            "They go to the e-mail addresses on file; the old codes stop working.",
            "Llegan a los correos registrados; los códigos anteriores dejan de valer.",
        ),
        NotAccepted => ("Not accepted: {reason}", "No aceptado: {reason}"),
        SessionEnded => (
            "Your session ended: please sign in again.",
            "Su sesión terminó: inicie sesión de nuevo.",
        ),
        NotAllowed => (
            "Not allowed for your account.",
            "No permitido para su cuenta.",
        ),
        ReopenOver => (
            "Re-open time is over. Please ask staff: {contact}",
            "Se acabó el tiempo para reabrir. Pregunte a: {contact}",
        ),
        NoLargerDoor => (
            "No larger free door: cancel with {back}.",
            "No hay puerta libre mayor: cancele con {back}.",
        ),
        SomethingWrong => (
            "Something went wrong. Please ask staff: {contact}",
            "Algo salió mal. Pregunte al personal: {contact}",
        ),
        TypeFirst => ("Type a number first.", "Escriba primero un número."),
        // Audit actions, as stored in the audit log.
        DidAccountClosed => ("Recipient account closed", "Cuenta de destinatario cerrada"),
        DidAlertAcknowledged => ("Alert acknowledged", "Alerta atendida"),
        DidBoardOffline => (
            "Lock board stopped answering",
            "Una placa de cerraduras dejó de responder",
        ),
        DidBusUp => (
            "Lock bus answers again",
            "El bus de cerraduras responde de nuevo",
        ),
        DidCodeResent => ("New code sent", "Código nuevo enviado"),
        DidControl => ("Control socket used", "Uso del socket de control"),
        DidDepositCancelled => ("Deposit cancelled", "Depósito cancelado"),
        DidDepositDoorReleased => ("Deposit door given up", "Puerta de depósito liberada"),
        DidDepositStarted => ("Deposit started", "Depósito iniciado"),
        DidDepositStored => ("Parcel stored", "Paquete guardado"),
        DidDisabled => ("Door disabled", "Puerta desactivada"),
        DidDoesNotFit => ("Parcel did not fit", "El paquete no cabía"),
        DidDoorClosed => ("Door closed", "Puerta cerrada"),
        DidEnabled => ("Door enabled", "Puerta habilitada"),
        DidExpired => ("Hold ran out", "Plazo vencido"),
        DidForcedOpen => ("Door forced open", "Puerta forzada"),
        DidHoldExtended => ("Hold extended", "Plazo ampliado"),
        DidInspected => ("Door inspected", "Puerta revisada"),
        DidInspectionNeeded => (
            "Door needs an inspection",
            "La puerta necesita una revisión",
        ),
        DidIntentSettled => (
            "Unfinished door opening settled at start",
            "Apertura pendiente resuelta al arrancar",
        ),
        DidItemInputsRefused => (
            "Item sensors could not be read",
            "No se pudieron leer los sensores de objeto",
        ),
        DidJammed => ("Door jammed", "Puerta atascada"),
        DidLostCode => (
            "New codes asked for at the kiosk",
            "Códigos nuevos pedidos en el quiosco",
        ),
        DidManualUnlock => ("Opened by staff", "Apertura manual"),
        DidMarkerAdded => ("CCTV marker added", "Marca de CCTV añadida"),
        DidMarkersExported => ("CCTV markers exported", "Marcas de CCTV exportadas"),
        DidOutboxRetry => ("E-mail sent again", "Correo enviado de nuevo"),
        DidParcelPlaced => ("Parcel placed", "Paquete colocado"),
        DidPickedUp => ("Picked up", "Recogido"),
        DidPinReset => ("PIN reset", "PIN restablecido"),
        DidProblemReported => ("Problem reported", "Problema avisado"),
        DidPulse => ("Lock opened", "Cerradura abierta"),
        DidPulseFailed => ("Lock did not open", "La cerradura no se abrió"),
        DidReassigned => ("Parcel reassigned", "Paquete reasignado"),
        DidRecipientSaved => ("Recipient saved", "Destinatario guardado"),
        DidRecovery => ("Checked at start", "Revisado al arrancar"),
        DidReminder => ("Reminder sent", "Recordatorio enviado"),
        DidRemoved => (
            "Parcel removed by staff",
            "Paquete retirado por el personal",
        ),
        DidSignIn => ("Signed in", "Sesión iniciada"),
        DidUserAdded => ("Account added", "Cuenta añadida"),
        DidUserRemoved => ("Account removed", "Cuenta eliminada"),
        DidVacation => ("Vacation set", "Vacaciones fijadas"),
        DidWrongCode => ("Wrong code typed", "Código incorrecto"),
        DidWrongPin => ("Wrong PIN typed", "PIN incorrecto"),
        // Alert kinds.
        AlertJam => ("Door jammed", "Puerta atascada"),
        AlertDoorLeftOpen => ("Door left open", "Puerta abierta demasiado tiempo"),
        AlertLockout => ("Typed codes paused", "Códigos en pausa"),
        AlertDailyCap => (
            "Daily opening limit reached",
            "Límite diario de aperturas alcanzado",
        ),
        AlertBusDown => ("Lock bus down", "Bus de cerraduras caído"),
        AlertNotificationDead => (
            "E-mail could not be delivered",
            "No se pudo entregar un correo",
        ),
        AlertCodesReissued => ("Codes replaced", "Códigos reemplazados"),
        AlertItemSensorsUnreadable => ("Item sensors unreadable", "Sensores de objeto ilegibles"),
        // Marker kinds.
        MarkManual => ("Added by hand", "Añadida a mano"),
        // Door-opening reasons.
        WhyDeposit => ("Deposit", "Depósito"),
        WhyPickup => ("Pickup", "Recogida"),
        WhyReopen => ("Opened again", "Reapertura"),
        WhyRemoval => ("Removal by staff", "Retirada por el personal"),
        // Parcel states.
        StateDepositing => ("Depositing", "Depositándose"),
        StateStored => ("In locker", "En casillero"),
        StateExpired => ("Expired", "Vencido"),
        StateRemoved => ("Removed", "Retirado"),
        // Parcel classes.
        ClassDomestic => (
            "Domestic (10 days at the office after expiry)",
            "Nacional (10 días en la oficina al vencer)",
        ),
        ClassInternational => (
            "International (25 days at the office after expiry)",
            "Internacional (25 días en la oficina al vencer)",
        ),
        ClassExpress => (
            "Express (back to the sender after expiry)",
            "Urgente (vuelve al remitente al vencer)",
        ),
        ClassExpressInternational => (
            "Express, international (back to the sender after expiry)",
            "Urgente, internacional (vuelve al remitente al vencer)",
        ),
        // Roles.
        RoleCourier => ("Courier", "Repartidor"),
        RoleAdmin => ("Admin", "Administrador"),
        RoleTechnician => ("Technician", "Técnico"),
        // Door sensor and compartment states.
        DoorOpen => ("Open", "Abierta"),
        DoorClosedState => ("Closed", "Cerrada"),
        DoorUnknown => ("No reading", "Sin lectura"),
        SlotFree => ("Free", "Libre"),
        SlotReserved => ("Reserved", "Reservada"),
        SlotOccupied => ("Occupied", "Ocupada"),
        SlotDisabled => ("Out of service", "Fuera de servicio"),
        SlotFaulty => ("Faulty", "Averiada"),
        // E-mail delivery states and kinds.
        MailQueued => ("Waiting", "En espera"),
        MailSent => ("Sent", "Enviado"),
        MailDead => ("Given up", "Abandonado"),
        MailDelivered => ("Parcel waiting", "Aviso de paquete"),
        MailReminder1 => ("First reminder", "1er recordatorio"),
        MailReminder2 => ("Second reminder", "2º recordatorio"),
        MailFinalNotice => ("Code expired", "Código vencido"),
        MailProofOfDelivery => ("Proof of delivery", "Comprobante de entrega"),
        MailAdminAlert => ("Alert to staff", "Alerta personal"),
        // Why a code or PIN was refused.
        NoMalformed => ("Not 6 digits", "No tiene 6 dígitos"),
        NoUnknown => ("Unknown code", "Código desconocido"),
        NoUsed => ("Code already used", "Código ya usado"),
        NoExpired => ("Code expired", "Código vencido"),
        NoReplaced => (
            "Code replaced by a newer one",
            "Código reemplazado por uno nuevo",
        ),
        NoReassigned => (
            "Parcel given to another recipient",
            "Paquete asignado a otro destinatario",
        ),
        NoOtherKiosk => ("Code for another kiosk", "Código de otro quiosco"),
        NoHeldElsewhere => (
            "Code held at another kiosk",
            "Código guardado en otro quiosco",
        ),
        NoNotACode => (
            "Scanned something that is no code",
            "Se escaneó algo que no es un código",
        ),
        NoSignInLocked => ("Sign-in paused", "Inicio de sesión en pausa"),
        NoNeedsInspection => (
            "Door needs an inspection",
            "La puerta necesita una revisión",
        ),
        NoDoorBusy => ("Door already open", "Puerta ya abierta"),
        NoNotRegistered => ("Recipient not registered", "Destinatario no registrado"),
        NoOversized => ("Parcel too big", "Paquete demasiado grande"),
        NoNoCompartment => (
            "No free door of that size",
            "No hay puerta libre de ese tamaño",
        ),
        NoBusDown => ("Lock bus down", "Bus de cerraduras caído"),
        NoWrongPin => ("Wrong user or PIN", "Usuario o PIN incorrecto"),
        NoReopenClosed => ("Too late to open again", "Demasiado tarde para reabrir"),
        NoParcelsWaiting => ("Parcels still waiting", "Aún hay paquetes esperando"),
        // What a recipient reported, what an inspection found.
        SaysWrongParcel => ("wrong parcel", "paquete equivocado"),
        SaysDamaged => ("damaged parcel", "paquete dañado"),
        SaysEmpty => ("empty door", "puerta vacía"),
        SaysDoorDidNotOpen => ("door did not open", "la puerta no se abrió"),
        FoundEmpty => ("found empty", "encontrada vacía"),
        FoundParcel => ("a parcel inside", "un paquete dentro"),
        ServiceLaptop => (
            "service laptop, bank {bank}",
            "portátil de servicio, bloque {bank}",
        ),
        VacationUntil => ("{who} away until {until}", "{who} fuera hasta {until}"),
        VacationEnded => ("{who}: vacation ended", "{who}: vacaciones terminadas"),
        // The admin console: the keys line. `{enter}`, `{back}`, `{up}` … are
        // the keys of the keymap in use (`ui::KeyHints`).
        KeysParcels => (
            "{up}/{down} move  {enter} open  0 find  9 expired/all  {cancel} menu",
            "{up}/{down} mover  {enter} abrir  0 buscar  9 vencidos/todos  {cancel} menú",
        ),
        KeysPeople => (
            "{up}/{down} move  1 add account  2 add recipient  {cancel} menu",
            "{up}/{down} mover  1 añadir cuenta  2 añadir destinatario  {cancel} menú",
        ),
        KeysMarkers => (
            "{up}/{down} move  {enter} open  0 filter  1 add  2 export CSV  {cancel} menu",
            "{up}/{down} mover  {enter} abrir  0 filtrar  1 añadir  2 exportar CSV  {cancel} menú",
        ),
        KeysAudit => (
            "{up}/{down} move  {enter} open  0 filter  9 verify chain  {cancel} menu",
            "{up}/{down} mover  {enter} abrir  0 filtrar  9 comprobar cadena  {cancel} menú",
        ),
        KeysBus => (
            "{up}/{down} move  1 pulse test  {help} refresh  {cancel} menu",
            "{up}/{down} mover  1 prueba de pulso  {help} actualizar  {cancel} menú",
        ),
        KeysAlerts => (
            "{up}/{down} move  {enter} open  1 acknowledge  {cancel} menu",
            "{up}/{down} mover  {enter} abrir  1 atender  {cancel} menú",
        ),
        KeysOutbox => (
            "{up}/{down} move  1 retry this one  2 retry all  {cancel} menu",
            "{up}/{down} mover  1 reintentar este  2 reintentar todos  {cancel} menú",
        ),
        KeysStaffSignIn => (
            "{enter} next / sign in   {back} erase or back",
            "{enter} siguiente / entrar   {back} borrar o volver",
        ),
        KeysStaffSignInBoard => (
            "{enter} next / sign in   {back} erase   {cancel} clear / leave",
            "{enter} siguiente / entrar   {back} borrar   {cancel} vaciar / salir",
        ),
        KeysMenu => (
            "{keys} choose   0 sign out",
            "{keys} elegir   0 cerrar sesión",
        ),
        KeysMenuService => ("{keys} choose   0 leave", "{keys} elegir   0 salir"),
        KeysForm => (
            "{enter} confirm   {back} erase or cancel",
            "{enter} confirmar   {back} borrar o cancelar",
        ),
        KeysFormBoard => (
            "{enter} confirm   {back} erase   {cancel} cancel",
            "{enter} confirmar   {back} borrar   {cancel} cancelar",
        ),
        KeysDoor => (
            "{keys} action   {help} refresh   {cancel} back to the bank",
            "{keys} acción   {help} actualizar   {cancel} volver al bloque",
        ),
        KeysParcel => (
            "1-5 action   {help} refresh   {cancel} back",
            "1-5 acción   {help} actualizar   {cancel} volver",
        ),
        KeysBank => (
            "0-9 door number  {enter} open a door  {help} refresh  {cancel} menu",
            "0-9 número de puerta  {enter} abrir una puerta  {help} actualizar  {cancel} menú",
        ),
        // The admin console: sign-in, menu, forms, the bank.
        ConsoleTitle => ("Admin - {name}", "Administración - {name}"),
        ConsoleTitleKiosk => (
            "Admin - Kiosk {letter} {name}",
            "Administración - Quiosco {letter} {name}",
        ),
        SignInStaff => (
            "Sign in: admin or technician",
            "Iniciar sesión: administración o técnico",
        ),
        UserNumber => ("  User number: {user}", "  Número de usuario: {user}"),
        PinField => ("  PIN:         {pin}", "  PIN:         {pin}"),
        MenuTitle => ("Menu", "Menú"),
        LeaveService => (
            "  0  Leave (ends the service session)",
            "  0  Salir (termina la sesión de servicio)",
        ),
        SignOutItem => ("  0  Sign out", "  0  Cerrar sesión"),
        PickReason => (
            "  On the keypad, pick a reason by number:",
            "  En el teclado, elija un motivo por número:",
        ),
        PickOne => (
            "  On the keypad, pick one by number, then #:",
            "  En el teclado, elija uno por número y pulse #:",
        ),
        SignedOutIdle => (
            "Signed out after inactivity.",
            "Sesión cerrada por inactividad.",
        ),
        MenuBank => (
            "Bank: every compartment",
            "Bloque: todos los compartimentos",
        ),
        MenuParcels => ("Parcels in the locker", "Paquetes en el casillero"),
        MenuPeople => (
            "People: recipients, couriers, staff",
            "Personas: destinatarios, repartidores, personal",
        ),
        MenuMarkers => ("CCTV markers", "Marcas de CCTV"),
        MenuAudit => ("Audit log", "Registro de auditoría"),
        MenuBus => (
            "Bus diagnostics and pulse test",
            "Diagnóstico del bus y prueba de pulso",
        ),
        MenuAlerts => ("Alerts", "Alertas"),
        MenuOutbox => ("Outbox: notifications", "Correos salientes: avisos"),
        BankLegend1 => (
            ". free   R reserved   2d occupied, days left   EXP expired, to remove",
            ". libre   R reservada   2d ocupada, días que quedan   EXP vencida",
        ),
        BankLegend2 => (
            "OPN door open   OFF disabled   FLT faulty   ? door sensor unknown",
            "OPN abierta   OFF deshabilitada   FLT averiada   ? sensor sin lectura",
        ),
        BankLegend3 => (
            "! to inspect    highlighted: needs a look",
            "! por revisar   resaltada: hay que mirarla",
        ),
        // A service laptop reads the boards alone: doors, no parcels.
        ServiceLegend => (
            ". closed   OPN door open   ? door sensor unknown   highlighted: needs a look",
            ". cerrada   OPN abierta   ? sensor sin lectura   resaltada: hay que mirarla",
        ),
        LockBoards => (
            "  Lock boards: {boards}",
            "  Placas de cerraduras: {boards}",
        ),
        BoardState => ("board {board} {online}", "placa {board} {online}"),
        FormUnlock => (
            "Door {door}: nothing known inside. To open it, type the reason",
            "Puerta {door}: no se sabe qué hay dentro. Para abrirla, escriba el motivo",
        ),
        FormUnlockParcel => (
            "Door {door} holds parcel {parcel}. To open it, type the reason",
            "La puerta {door} guarda el paquete {parcel}. Para abrirla, escriba el motivo",
        ),
        FormUnlockSomething => (
            "Door {door} has something inside. To open it, type the reason",
            "La puerta {door} tiene algo dentro. Para abrirla, escriba el motivo",
        ),
        FormUnlockEmpty => (
            "Door {door} is empty. To open it, type the reason",
            "La puerta {door} está vacía. Para abrirla, escriba el motivo",
        ),
        FormDisable => (
            "Disable door {door}: reason",
            "Deshabilitar la puerta {door}: motivo",
        ),
        FormEnable => (
            "Enable door {door}: reason",
            "Habilitar la puerta {door}: motivo",
        ),
        FormInspectedEmpty => (
            "Door {door} inspected, empty: note",
            "Puerta {door} revisada, vacía: nota",
        ),
        FormInspectedParcel => (
            "Door {door} inspected, parcel inside: note",
            "Puerta {door} revisada, con paquete: nota",
        ),
        FormExtend => (
            "Extend the hold of {parcel} by days ({from}-{to})",
            "Ampliar el plazo de {parcel} en días ({from}-{to})",
        ),
        FormReassign => (
            "Reassign {parcel} to recipient ID",
            "Reasignar {parcel} al ID de destinatario",
        ),
        FormVacation => (
            "Vacation of {recipient} until YYYY-MM-DD (empty ends it)",
            "Vacaciones de {recipient} hasta AAAA-MM-DD (vacío las termina)",
        ),
        FormAck => (
            "Acknowledge alert {id}: note",
            "Atender la alerta {id}: nota",
        ),
        FormMarkerDoor => (
            "CCTV marker at door {door}: note",
            "Marca de CCTV en la puerta {door}: nota",
        ),
        FormMarker => ("CCTV marker: note", "Marca de CCTV: nota"),
        FormPin => (
            "New PIN for {name} ({from}-{to} digits)",
            "PIN nuevo para {name} ({from}-{to} dígitos)",
        ),
        FormAddUser => (
            "New account: NAME ROLE PIN, or a user number alone",
            "Cuenta nueva: NOMBRE FUNCIÓN PIN, o solo un número de usuario",
        ),
        FormNewUserRole => ("Role of account {name}", "Función de la cuenta {name}"),
        FormNewUserPin => (
            "PIN of account {name} ({role}), {from}-{to} digits",
            "PIN de la cuenta {name} ({role}), {from}-{to} dígitos",
        ),
        FormAuditAction => (
            "Show one action (a word, e.g. pickup)",
            "Mostrar una acción (una palabra, p. ej. recogido)",
        ),
        FormAuditActor => (
            "Show the entries of one user number",
            "Mostrar las entradas de un número de usuario",
        ),
        FormAuditSince => (
            "Show entries since a date (YYYYMMDD)",
            "Mostrar entradas desde una fecha (AAAAMMDD)",
        ),
        FilterByDoor => ("Door", "Puerta"),
        FilterByAction => ("Action", "Acción"),
        FilterByActor => ("User", "Usuario"),
        FilterBySince => ("Since a date", "Desde una fecha"),
        FormAddRecipient => (
            "New recipient: ID E-MAIL NAME",
            "Destinatario nuevo: ID CORREO NOMBRE",
        ),
        FormEditRecipient => ("{id}: E-MAIL NAME", "{id}: CORREO NOMBRE"),
        FormDelegate => (
            "Delegate of {id}: NAME E-MAIL",
            "Delegado de {id}: NOMBRE CORREO",
        ),
        FormMarkerFilter => (
            "Markers: door N, camera NAME, since YYYY-MM-DD; keypad: N, YYYYMMDD",
            "Marcas: door N, camera NOMBRE, since AAAA-MM-DD; teclado: N, AAAAMMDD",
        ),
        FormParcelSearch => (
            "Find parcels: tracking, recipient ID or door",
            "Buscar paquetes: seguimiento, ID de destinatario o puerta",
        ),
        FormAuditFilter => (
            "Filter: door N, actor NAME, action WORD, since YYYY-MM-DD (empty: all)",
            "Filtro: door N, actor NOMBRE, action PALABRA, since AAAA-MM-DD (vacío: todo)",
        ),
        FormDoor => ("Door number", "Número de puerta"),
        ReasonPulseTest => ("pulse test", "prueba de pulso"),
        ReasonStuck => ("parcel stuck", "paquete atascado"),
        ReasonInspection => ("inspection", "revisión"),
        ReasonAtDesk => ("recipient at the desk", "destinatario en el mostrador"),
        ReasonMaintenance => ("maintenance", "mantenimiento"),
        ReasonBroken => ("lock or hinge broken", "cerradura o bisagra rota"),
        ReasonCleaning => ("cleaning", "limpieza"),
        ReasonRepaired => ("repaired", "reparada"),
        ReasonCleaned => ("cleaned", "limpia"),
        ReasonKeptAtDesk => (
            "found, kept at the desk",
            "encontrado, guardado en el mostrador",
        ),
        ReasonReturnedToCourier => ("returned to the courier", "devuelto al repartidor"),
        ReasonCheckedCamera => ("checked the camera", "revisada la cámara"),
        ReasonFalseAlarm => ("false alarm", "falsa alarma"),
        ReasonHandledOnSite => ("handled on site", "resuelto en el lugar"),
        ReasonIncident => ("incident", "incidente"),
        ReasonForCamera => ("for the camera footage", "para las imágenes de la cámara"),
        NeedReason => ("a reason is needed", "hace falta un motivo"),
        NeedDays => ("type a number of days", "escriba un número de días"),
        NeedDate => ("a date is YYYY-MM-DD", "una fecha es AAAA-MM-DD"),
        NeedMarkerNote => ("a marker needs a note", "una marca necesita una nota"),
        NeedRole => (
            "the role is courier, admin or technician",
            "la función es courier, admin o technician",
        ),
        NeedNameRolePin => ("type NAME ROLE PIN", "escriba NOMBRE FUNCIÓN PIN"),
        NeedIdEmailName => ("type ID E-MAIL NAME", "escriba ID CORREO NOMBRE"),
        NeedRecipientId => (
            "a recipient ID has 6 digits, e.g. PX-482913",
            "un ID de destinatario tiene 6 dígitos, p. ej. PX-482913",
        ),
        NeedEmailName => ("type E-MAIL NAME", "escriba CORREO NOMBRE"),
        NeedNameEmail => ("type NAME E-MAIL", "escriba NOMBRE CORREO"),
        TryMarkerFilter => (
            "try: door 3, camera cam-1, since 2026-11-01",
            "pruebe: door 3, camera cam-1, since 2026-11-01",
        ),
        TryAuditFilter => (
            "try: door 3, actor admin, action unlock, since 2026-11-01",
            "pruebe: door 3, actor admin, action unlock, since 2026-11-01",
        ),
        NeedDoor => ("type a door number", "escriba un número de puerta"),
        // E-mails.
        MailDeliveredSubject => (
            "Your parcel is waiting in locker {kiosk} ({kiosk_name})",
            "Su paquete le espera en el casillero {kiosk} ({kiosk_name})",
        ),
        MailDeliveredBody => (
            "Your parcel {tracking} is in door {door} of kiosk {kiosk} ({kiosk_name}, locker code {locker_code}).\n\n\
             Access code: {code}\n\n\
             Press A (Pickup) at the kiosk and type the 6 digits, or scan the attached QR code.\n\
             The code works once. Collect by {deadline}.{fees}\n\
             Anyone you give the code or QR to can collect for you.",
            "Su paquete {tracking} está en la puerta {door} del quiosco {kiosk} ({kiosk_name}, código de casillero {locker_code}).\n\n\
             Código de acceso: {code}\n\n\
             Pulse A (Recoger) en el quiosco y escriba los 6 dígitos, o escanee el código QR adjunto.\n\
             El código sirve una sola vez. Recójalo antes de {deadline}.{fees}\n\
             Quien tenga el código o el QR puede recogerlo por usted.",
        ),
        MailFeePerUse => (
            "\nThis locker charges a fee of {amount} per pickup.",
            "\nEste casillero cobra una tarifa de {amount} por recogida.",
        ),
        MailFeeStorage => (
            "\nAfter {free_days} free days, storage costs {amount} a day (not while on vacation mode).",
            "\nPasados {free_days} días gratis, el almacenaje cuesta {amount} al día (no en modo vacaciones).",
        ),
        MailFeeBilled => (
            "\nFees are billed by your building, not paid at the locker.",
            "\nLas tarifas las factura su edificio; no se pagan en el casillero.",
        ),
        MailReminderSubject => (
            "Reminder: your parcel is waiting in locker {kiosk}",
            "Recordatorio: su paquete le espera en el casillero {kiosk}",
        ),
        MailReminderBody => (
            "Your parcel {tracking} is still in door {door} of kiosk {kiosk} ({kiosk_name}).\n\
             Collect it by {deadline} with the code from your first message.\n\
             Lost it? Ask the building office to resend it (a new code is sent).",
            "Su paquete {tracking} sigue en la puerta {door} del quiosco {kiosk} ({kiosk_name}).\n\
             Recójalo antes de {deadline} con el código de su primer mensaje.\n\
             ¿Lo perdió? Pida a la administración que se lo reenvíe (recibirá un código nuevo).",
        ),
        MailFinalSubject => (
            "Your parcel {tracking} was not collected",
            "Su paquete {tracking} no se recogió",
        ),
        MailFinalBody => (
            "The pickup time for your parcel {tracking} at kiosk {kiosk} has ended and its code no longer works.\n{next}",
            "El plazo para recoger su paquete {tracking} en el quiosco {kiosk} terminó y su código ya no sirve.\n{next}",
        ),
        MailHeldAtOffice => (
            "It is being taken to the office, where it is held {days} more days. Bring an ID.",
            "Se lleva a la oficina, donde se guarda {days} días más. Traiga su identificación.",
        ),
        MailDomesticItem => ("It is a domestic item.", "Es un envío nacional."),
        MailInternationalItem => ("It is an international item.", "Es un envío internacional."),
        MailReturnedToSender => (
            "It is an express item and is being returned to the sender.",
            "Es un envío urgente y se devuelve al remitente.",
        ),
        MailPickedUpSubject => ("Parcel {tracking} collected", "Paquete {tracking} recogido"),
        MailPickedUpBody => (
            "Your parcel {tracking} was collected from door {door} of kiosk {kiosk}. If this was not you, contact the building office.",
            "Su paquete {tracking} se recogió de la puerta {door} del quiosco {kiosk}. Si no fue usted, avise a la administración.",
        ),
        MailReassignedSubject => (
            "Parcel {tracking} was reassigned",
            "El paquete {tracking} se reasignó",
        ),
        MailReassignedBody => (
            "Parcel {tracking} in kiosk {kiosk} was given to another recipient by the building office; your code for it no longer works.",
            "La administración asignó el paquete {tracking} del quiosco {kiosk} a otro destinatario; su código ya no sirve.",
        ),
        MailProofSubject => (
            "Proof of delivery {receipt}",
            "Comprobante de entrega {receipt}",
        ),
        MailProofBody => (
            "Parcel {tracking} for recipient {recipient} was stored in door {door} of kiosk {kiosk} ({kiosk_name}, locker code {locker_code}).\n\
             Receipt: {receipt}\nHeld until: {deadline}\nClass: {class}",
            "El paquete {tracking} para el destinatario {recipient} se guardó en la puerta {door} del quiosco {kiosk} ({kiosk_name}, código de casillero {locker_code}).\n\
             Comprobante: {receipt}\nGuardado hasta: {deadline}\nClase: {class}",
        ),
        MailAlertSubject => (
            "Locker {kiosk} alert: {alert}",
            "Alerta del casillero {kiosk}: {alert}",
        ),
        MailAlertBody => (
            "Kiosk {kiosk} ({kiosk_name}): {text}",
            "Quiosco {kiosk} ({kiosk_name}): {text}",
        ),
        SmsDelivered => (
            "{kiosk_name} locker: your parcel is waiting. Code {code}, press A at the kiosk. Collect by {deadline}.",
            "Casillero {kiosk_name}: su paquete le espera. Código {code}, pulse A en el quiosco. Recójalo antes de {deadline}.",
        ),
        SmsReminder => (
            "{kiosk_name} locker: your parcel {tracking} is still waiting. Collect it by {deadline} with the code already sent.",
            "Casillero {kiosk_name}: su paquete {tracking} sigue esperando. Recójalo antes de {deadline} con el código ya enviado.",
        ),
        SmsFinal => (
            "{kiosk_name} locker: the time to collect parcel {tracking} has ended; its code no longer works. {next}",
            "Casillero {kiosk_name}: terminó el plazo para recoger el paquete {tracking}; su código ya no sirve. {next}",
        ),
        SmsPickedUp => (
            "{kiosk_name} locker: parcel {tracking} was collected. Not you? Tell the building office.",
            "Casillero {kiosk_name}: el paquete {tracking} se recogió. ¿No fue usted? Avise a la administración.",
        ),
        SmsReturnIssued => (
            "{kiosk_name} locker: your return code is {code}. At the kiosk press C, then 2, and type it.",
            "Casillero {kiosk_name}: su código de devolución es {code}. En el quiosco pulse C, luego 2, y escríbalo.",
        ),
        SmsReturnLabel => (
            "{kiosk_name} locker: your return can be dropped off. At the kiosk press C, then 2, and scan the label.",
            "Casillero {kiosk_name}: ya puede entregar su devolución. En el quiosco pulse C, luego 2, y escanee la etiqueta.",
        ),
        SmsReturnReceipt => (
            "{kiosk_name} locker: your return {return} is in the locker. Receipt {receipt}.",
            "Casillero {kiosk_name}: su devolución {return} está en el casillero. Recibo {receipt}.",
        ),
        SmsReturnCollected => (
            "{kiosk_name} locker: a courier collected your return {return}.",
            "Casillero {kiosk_name}: un mensajero recogió su devolución {return}.",
        ),
        SmsReassigned => (
            "{kiosk_name} locker: parcel {tracking} was given to another recipient; your code for it no longer works.",
            "Casillero {kiosk_name}: el paquete {tracking} se asignó a otro destinatario; su código ya no sirve.",
        ),
        // The admin console: lists.
        ListNone => ("(none)", "(ninguno)"),
        ListPosition => ("{at} of {total}", "{at} de {total}"),
        ParcelsLive => ("Parcels in the locker", "Paquetes en el casillero"),
        ParcelsFound => ("Parcels found", "Paquetes encontrados"),
        ParcelsExpired => ("Expired, to remove", "Vencidos, por retirar"),
        ColParcel => ("Parcel", "Paquete"),
        ColTracking => ("Tracking", "Seguimiento"),
        ColRecipient => ("Recipient", "Destinat."),
        ColDoor => ("Door", "Pta."),
        ColState => ("State", "Estado"),
        ColHeldUntil => ("Held until", "Guardado hasta"),
        ColKind => ("Kind", "Tipo"),
        ColNameId => (
            "Name / ID   E-mail   +delegates",
            "Nombre / ID   Correo   +delegados",
        ),
        ColId => ("Id", "Id"),
        ColWhen => ("When", "Cuándo"),
        ColCamera => ("Camera", "Cámara"),
        ColActor => ("Actor", "Quién"),
        ColNote => ("Note", "Nota"),
        ColSeq => ("Seq", "Núm."),
        ColAction => ("Action", "Acción"),
        ColDetail => ("Detail", "Detalle"),
        ColText => ("Text", "Texto"),
        ColCreated => ("Created", "Creado"),
        ColTo => ("To", "Para"),
        ColTries => ("Tries", "Intentos"),
        ColLastError => ("Last error", "Último error"),
        PeopleTitle => ("People", "Personas"),
        PeopleHelp1 => (
            "  Account: 3 new PIN  4 remove.  Recipient: 3 vacation  4 close account",
            "  Cuenta: 3 PIN nuevo  4 quitar.  Destinatario: 3 vacaciones  4 cerrar",
        ),
        PeopleHelp2 => (
            "  5 add a delegate  6 change e-mail and name  7 fees",
            "  5 añadir un delegado  6 cambiar correo y nombre  7 tarifas",
        ),
        RecipientKind => ("Recipient", "Destinatario"),
        AccountClosed => ("account closed", "cuenta cerrada"),
        AwayUntil => (" away to {date}", " fuera hasta {date}"),
        MarkersTitle => (
            "CCTV markers (newest first)",
            "Marcas de CCTV (las últimas primero)",
        ),
        AuditTitle => (
            "Audit log (newest first)",
            "Registro de auditoría (lo último primero)",
        ),
        FilterLine => ("  Filter: {filter}", "  Filtro: {filter}"),
        FilterAll => ("all", "todo"),
        FilterDoor => ("door {door}", "puerta {door}"),
        FilterCamera => ("camera {camera}", "cámara {camera}"),
        FilterActor => ("by {actor}", "por {actor}"),
        FilterAction => ("action: {action}", "acción: {action}"),
        FilterSince => ("since {date}", "desde {date}"),
        FilterUntil => ("until {date}", "hasta {date}"),
        ChainLine => (
            "  Filter: {filter}   Chain of entries: {chain}",
            "  Filtro: {filter}   Cadena de entradas: {chain}",
        ),
        ChainPress9 => ("press 9 to check it", "pulse 9 para comprobarla"),
        ChainOk => (
            "intact, {checked} entries checked",
            "intacta, {checked} entradas comprobadas",
        ),
        ChainBroken => (
            "BROKEN after {checked} entries: {why}",
            "ROTA tras {checked} entradas: {why}",
        ),
        BusTitle => ("Lock bus", "Bus de cerraduras"),
        BusBoard => (
            "  Board {address}: {online} firmware {firmware}  supply {supply}  polls {polls}  failed {failed}",
            "  Placa {address}: {online} firmware {firmware}  tensión {supply}  lecturas {polls}  fallos {failed}",
        ),
        Online => ("online", "en línea"),
        Offline => ("OFFLINE", "SIN CONEXIÓN"),
        BusLine => (
            "  Line: {requests} requests, {timeouts} timeouts, {bad} bad replies, {retries} retries, {reopens} reopens",
            "  Línea: {requests} peticiones, {timeouts} sin respuesta, {bad} erróneas, {retries} reintentos, {reopens} reaperturas",
        ),
        BusPulses => (
            "  Pulses: {sent} sent, {failed} failed; {rounds} rounds over every board",
            "  Pulsos: {sent} enviados, {failed} fallidos; {rounds} vueltas por todas las placas",
        ),
        BusRound => (
            "  Last round: {last} ms, wire-time limit {limit} ms",
            "  Última vuelta: {last} ms, límite de línea {limit} ms",
        ),
        BusNoCounters => (
            "  Line: no counters on this bus",
            "  Línea: este bus no tiene contadores",
        ),
        DoorsHeader => ("Doors", "Puertas"),
        BusDoorRow => (
            "door {door}  board {board} channel {channel}  {state} {item}",
            "puerta {door}  placa {board} canal {channel}  {state} {item}",
        ),
        ItemInside => ("item", "objeto"),
        ItemNone => ("empty", "vacía"),
        AlertsTitle => ("Alerts (open first)", "Alertas (abiertas primero)"),
        AlertOpen => ("OPEN", "ABIERTA"),
        AlertSeenBy => ("seen {who}", "vista {who}"),
        OutboxTitle => (
            "Outbox (newest first)",
            "Correos salientes (los últimos primero)",
        ),
        // The admin console: a door and a parcel.
        DoorTitle => ("Door {door} ({size})", "Puerta {door} ({size})"),
        DoorStateLine => ("  State: {state}{inspect}", "  Estado: {state}{inspect}"),
        ToInspect => (", to inspect", ", por revisar"),
        DoorSensorLine => ("  Door sensor: {state}", "  Sensor de puerta: {state}"),
        ItemSensorLine => ("  Item sensor: {item}", "  Sensor de objeto: {item}"),
        SomethingInside => ("something inside", "hay algo dentro"),
        NoItemSensor => ("no item sensor", "sin sensor de objeto"),
        LockLine => (
            "  Lock: board {board} channel {channel} ({online}), camera {camera}",
            "  Cerradura: placa {board} canal {channel} ({online}), cámara {camera}",
        ),
        NoneWord => ("none", "ninguna"),
        ParcelInDoor => (
            "  Parcel: {id} {tracking} for {recipient} ({state})",
            "  Paquete: {id} {tracking} para {recipient} ({state})",
        ),
        ParcelOnly => ("  Parcel: {id}", "  Paquete: {id}"),
        NoParcel => ("  Parcel: none", "  Paquete: ninguno"),
        DoEnable => (
            "Enable (back into allocation)",
            "Habilitar (vuelve a asignarse)",
        ),
        DoDisable => ("Disable (out of allocation)", "Deshabilitar (no se asigna)"),
        DoOpen => (
            "Open the door (manual unlock, reason required)",
            "Abrir la puerta (apertura manual, con motivo)",
        ),
        DoInspectedEmpty => ("Inspected: empty", "Revisada: vacía"),
        DoInspectedParcel => (
            "Inspected: a parcel is inside",
            "Revisada: hay un paquete dentro",
        ),
        DoMarker => ("CCTV marker at this door", "Marca de CCTV en esta puerta"),
        ParcelTitle => ("Parcel {id} - {tracking}", "Paquete {id} - {tracking}"),
        ParcelFor => (
            "  For {recipient}   door {door}   {state}",
            "  Para {recipient}   puerta {door}   {state}",
        ),
        ParcelClassLine => ("  Class: {class}", "  Clase: {class}"),
        ParcelDeposited => (
            "  Deposited {at} by {courier}   held until {deadline}",
            "  Depositado {at} por {courier}   guardado hasta {deadline}",
        ),
        ParcelExtended => (
            "  Hold extended by {days} days   reminders e-mailed: {reminders}",
            "  Plazo ampliado {days} días   recordatorios enviados: {reminders}",
        ),
        ParcelActions => (
            "  1 resend code  2 extend hold  3 reassign  4 vacation  5 open for removal",
            "  1 reenviar código  2 ampliar plazo  3 reasignar  4 vacaciones  5 retirar",
        ),
        HistoryTitle => (
            "  History (newest first)",
            "  Historial (lo último primero)",
        ),
        NothingRecorded => ("  (nothing recorded)", "  (nada registrado)"),
        // The admin console: notices.
        CouriersAtKiosk => (
            "Couriers deposit at the kiosk; this console is for staff.",
            "Los repartidores depositan en el quiosco; esta consola es para el personal.",
        ),
        WrongUserOrPin => ("Wrong user or PIN.", "Usuario o PIN incorrecto."),
        SignInPausedUntil => (
            "Too many wrong PINs for this user: sign-in paused until {time}.",
            "Demasiados PIN incorrectos para este usuario: inicio de sesión en pausa hasta las {time}.",
        ),
        DoorOpeningNotice => (
            "Door {door} is opening.",
            "La puerta {door} se está abriendo.",
        ),
        CodeReplacedNotice => (
            "A new code for {parcel} is on its way; the old code no longer works.",
            "Un código nuevo para {parcel} está en camino; el anterior ya no sirve.",
        ),
        DoorUpdated => ("Door {door} updated.", "Puerta {door} actualizada."),
        DoneNotice => ("Done.", "Hecho."),
        MarkersWritten => ("Markers written to {path}", "Marcas guardadas en {path}"),
        SessionEndedAgain => (
            "Session ended: sign in again.",
            "Sesión terminada: inicie sesión de nuevo.",
        ),
        NotAllowedRole => (
            "Not allowed for your role.",
            "No permitido para su función.",
        ),
        NotDone => ("Not done: {why}", "No se hizo: {why}"),
        DetailAuditTitle => ("Audit entry {seq}", "Entrada de auditoría {seq}"),
        DetailMarkerTitle => ("CCTV marker {id}", "Marca de CCTV {id}"),
        DetailAlertTitle => ("Alert {id}", "Alerta {id}"),
        DetailDoor => ("Door", "Puerta"),
        DetailBoard => ("Lock board", "Placa"),
        DetailSeen => ("seen by {who}: {note}", "vista por {who}: {note}"),
        KeysDetail => ("{cancel} back", "{cancel} volver"),
        KeysDetailAlert => (
            "1 acknowledge with a note   {cancel} back",
            "1 atender con una nota   {cancel} volver",
        ),
        FormCloseAccount => (
            "Close the account of {recipient}? {enter} closes it, {cancel} keeps it.",
            "¿Cerrar la cuenta de {recipient}? {enter} la cierra, {cancel} la mantiene.",
        ),
        FormRemoveUser => (
            "Remove the account {name}? {enter} removes it, {cancel} keeps it.",
            "¿Quitar la cuenta {name}? {enter} la quita, {cancel} la mantiene.",
        ),
        FormAuditFilterKeypad => (
            "Filter the audit log: pick what to narrow it by",
            "Filtrar el registro: elija por qué",
        ),
        FormMarkerFilterKeypad => (
            "Markers: a door number, or a day as YYYYMMDD",
            "Marcas: un número de puerta, o un día como AAAAMMDD",
        ),
        NeedsKeyboard => (
            "E-mail addresses and names need a keyboard: use locker admin on a laptop.",
            "Correos y nombres necesitan un teclado: use locker admin en un portátil.",
        ),
        FeesTitle => ("Fees of {recipient}", "Tarifas de {recipient}"),
        KeysFees => (
            "{up}/{down} move  {cancel} people",
            "{up}/{down} mover  {cancel} personas",
        ),
        FeesHelp => (
            "  Billed by the building: the locker takes no payment.",
            "  Las factura el edificio: el casillero no cobra.",
        ),
        FeeDueState => ("due", "a cobrar"),
        FeesTotal => ("Total due: {total}", "Total a cobrar: {total}"),
        ColFeeUse => ("Use", "Uso"),
        ColFeeDays => ("Days", "Días"),
        ColFeeStorage => ("Storage", "Almacén"),
        ColFeeTotal => ("Total", "Total"),
        KeysPeopleKeypad => (
            "{up}/{down} move  1 add account  {cancel} menu",
            "{up}/{down} mover  1 añadir cuenta  {cancel} menú",
        ),
        PeopleHelp2Keypad => (
            "  7 fees.  E-mail and names: locker admin on a laptop",
            "  7 tarifas.  Correos y nombres: locker admin en un portátil",
        ),
        ActorHere => ("{name} (here)", "{name} (aquí)"),
        AlertAlreadySeen => (
            "Alert {id} was already seen by {who}.",
            "La alerta {id} ya la vio {who}.",
        ),
        DemoCodes => (
            "Demo codes ({pickup}, then the code, then {enter}):",
            "Códigos de la demo ({pickup}, luego el código, luego {enter}):",
        ),
        DemoCodeLine => (
            "  {code}  door {door}  {recipient}",
            "  {code}  puerta {door}  {recipient}",
        ),
        DemoCouriers => (
            "Couriers ({deposit}), user/PIN: {couriers}",
            "Mensajeros ({deposit}), usuario/PIN: {couriers}",
        ),
        DemoReturn => (
            "Return code ({help}, 2, the code, {enter}): {code}",
            "Código de devolución ({help}, 2, el código, {enter}): {code}",
        ),
        DemoLabel => (
            "Tracking label, typed fast: {label} (express, from the US)",
            "Etiqueta, tecleada rápido: {label} (urgente, de EE. UU.)",
        ),
        DemoQr => (
            "QR of door {door}, typed fast: {qr}",
            "QR de la puerta {door}, tecleado rápido: {qr}",
        ),
        DemoRecipients => ("Recipients: {recipients}", "Destinatarios: {recipients}"),
        DemoConsole => (
            "Console: locker admin --data-dir {dir}",
            "Consola: locker admin --data-dir {dir}",
        ),
        DemoClose => (
            "Doors close by themselves after {secs} s. Ctrl-C leaves.",
            "Las puertas se cierran solas a los {secs} s. Ctrl-C sale.",
        ),
        NotFoundNotice => ("Not found: {what}", "No encontrado: {what}"),
        DatabaseFailed => (
            "The kiosk's database failed; the log says why.",
            "Falló la base de datos del quiosco; el registro dice por qué.",
        ),
        SaidItemInputsRefused => (
            "lock board {board} refuses its item sensor inputs {inputs} (Modbus exception {exception}): deposits and pickups are not seen; check the board's profile",
            "la placa {board} rechaza sus entradas de sensor {inputs} (excepción Modbus {exception}): no se ven depósitos ni recogidas; revise el perfil de la placa",
        ),
        SaidBoardSilent => (
            "lock board {board} does not answer",
            "la placa de cerraduras {board} no responde",
        ),
        SaidBusDown => (
            "no lock board answers: the kiosk is out of service",
            "ninguna placa de cerraduras responde: el quiosco está fuera de servicio",
        ),
        SaidBoard => ("board {board}", "placa {board}"),
        SaidBoardBack => (
            "board {board} answers again",
            "la placa {board} responde de nuevo",
        ),
        SaidLeftOpen => (
            "door {door} has been left open",
            "la puerta {door} se ha quedado abierta",
        ),
        SaidForcedOpen => (
            "door {door} was opened without a command",
            "la puerta {door} se abrió sin una orden",
        ),
        SaidSomethingInside => (
            "door {door}: something is inside but no parcel is booked there ({purpose})",
            "puerta {door}: hay algo dentro pero no consta ningún paquete ({purpose})",
        ),
        SaidParcelGone => (
            "door {door}: its parcel is no longer inside ({purpose})",
            "puerta {door}: su paquete ya no está dentro ({purpose})",
        ),
        SaidJam => (
            "door {door} did not open ({purpose})",
            "la puerta {door} no se abrió ({purpose})",
        ),
        SaidRestartInspection => (
            "door {door} needs an inspection after a restart: {why} ({purpose})",
            "la puerta {door} necesita una revisión tras un reinicio: {why} ({purpose})",
        ),
        SaidSensorUnreadable => (
            "its door sensor cannot be read",
            "no se puede leer su sensor de puerta",
        ),
        SaidSensorsUndecided => (
            "the sensors cannot tell whether the parcel is inside",
            "los sensores no saben si el paquete está dentro",
        ),
        SaidGivenUpFull => (
            "door {door} was given up ({why}) but its item sensor sees something inside",
            "la puerta {door} se dejó ({why}) pero su sensor ve algo dentro",
        ),
        SaidGivenUp => ("given up", "abandonada"),
        SaidNotFitOrCancelled => ("does not fit or cancelled", "no cabe o cancelado"),
        SaidDidNotOpen => ("door did not open", "la puerta no se abrió"),
        SaidRestartEmpty => (
            "restart: the compartment is empty",
            "reinicio: el compartimento está vacío",
        ),
        SaidSignInPaused => (
            "sign-in for {who} paused until {time} after repeated wrong PINs",
            "inicio de sesión de {who} en pausa hasta las {time} tras varios PIN incorrectos",
        ),
        SaidCodesPaused => (
            "typed codes paused until {time} after repeated wrong codes; QR codes and sign-in still work",
            "códigos tecleados en pausa hasta las {time} tras varios códigos incorrectos; los QR y el inicio de sesión siguen funcionando",
        ),
        SaidDailyCap => (
            "{count} wrong codes today: someone may be guessing",
            "{count} códigos incorrectos hoy: alguien puede estar probando",
        ),
        SaidProblem => (
            "door {door}: recipient reports {problem}",
            "puerta {door}: el destinatario informa de {problem}",
        ),
        SaidCodesReissued => (
            "{count} live codes were made with a code key that is not in the key file: their recipients were sent new codes",
            "{count} códigos vigentes se hicieron con una clave que no está en el archivo de claves: se enviaron códigos nuevos",
        ),
        SaidMessageDead => (
            "message {id} to {to} could not be delivered: {error}",
            "el mensaje {id} para {to} no se pudo entregar: {error}",
        ),
        SaidReturnToSender => ("return to sender", "devolución al remitente"),
        SaidReminder => ("reminder {number}", "recordatorio {number}"),
        SaidToOffice => (
            "to the office, held {days} more days",
            "a la oficina, se guarda {days} días más",
        ),
        SaidMovedTo => ("moved to door {door}", "movido a la puerta {door}"),
        SaidExtended => ("+{days} days: {reason}", "+{days} días: {reason}"),
        SaidNothingChanged => ("{purpose}: nothing changed", "{purpose}: nada cambió"),
        SaidMessages => ("{count} messages", "{count} mensajes"),
        ThingParcel => ("parcel", "paquete"),
        ThingDoor => ("door", "puerta"),
        ThingCompartment => ("door", "puerta"),
        ThingRecipient => ("recipient", "destinatario"),
        ThingUser => ("account", "cuenta"),
        ThingAlert => ("alert", "alerta"),
        ThingMessage => ("message", "mensaje"),
        RejNotExpired => (
            "parcel {parcel} is not expired",
            "el paquete {parcel} no ha caducado",
        ),
        RejNotWaiting => (
            "parcel {parcel} is not waiting in the locker",
            "el paquete {parcel} no está esperando en el casillero",
        ),
        RejNotBeingDeposited => (
            "parcel {parcel} is not being deposited",
            "el paquete {parcel} no se está depositando",
        ),
        RejDimensionTooSmall => (
            "each dimension is at least 1 cm",
            "cada medida es de al menos 1 cm",
        ),
        RejTrackingMalformed => (
            "a tracking number has 4 to 40 letters, digits or '-'",
            "un número de seguimiento tiene de 4 a 40 letras, dígitos o '-'",
        ),
        RejTrackingCheckDigit => (
            "the check digit of this S10 tracking number is wrong: scan or type it again",
            "el dígito de control de este número de seguimiento S10 no es correcto: escanéelo o escríbalo de nuevo",
        ),
        RejLargerSize => ("choose a larger size", "elija un tamaño mayor"),
        RejNoFreeCode => (
            "no free access code was found: try again",
            "no se encontró un código libre: inténtelo de nuevo",
        ),
        RejFeeOfferExpired => (
            "the fee offer has expired: enter the code again",
            "la oferta de pago caducó: escriba el código de nuevo",
        ),
        RejReasonNeeded => (
            "a manual unlock needs a reason",
            "una apertura manual necesita un motivo",
        ),
        RejExtendDays => (
            "extend by {min} to {max} days",
            "amplíe de {min} a {max} días",
        ),
        RejClosedAccount => (
            "recipient ID {recipient} belonged to a closed account",
            "el ID {recipient} era de una cuenta cerrada",
        ),
        RejRecipientExists => (
            "recipient {recipient} already exists: change it instead",
            "el destinatario {recipient} ya existe: modifíquelo",
        ),
        RejNothingToChange => (
            "nothing to change for {recipient}",
            "nada que cambiar para {recipient}",
        ),
        RejRecipientIdMalformed => (
            "a recipient ID is PX- and 6 digits",
            "un ID de destinatario es PX- y 6 dígitos",
        ),
        RejUserExists => (
            "account {user} already exists",
            "la cuenta {user} ya existe",
        ),
        RejPinMalformed => (
            "a PIN has {min} to {max} digits",
            "un PIN tiene de {min} a {max} dígitos",
        ),
        RejLastAdmin => (
            "the last admin account cannot be removed",
            "no se puede quitar la última cuenta de administración",
        ),
        RejOrderRepeated => (
            "order {id} was carried out before",
            "la orden {id} ya se ejecutó antes",
        ),
        RejRecipientIdReserved => (
            "recipient ID {recipient} is reserved: choose another",
            "el ID de destinatario {recipient} está reservado: elija otro",
        ),
        RejReturnLabelMalformed => (
            "a label's barcode has 4 to 40 letters, digits or '-'",
            "el código de barras de una etiqueta tiene de 4 a 40 letras, dígitos o '-'",
        ),
        RejReturnLabelInUse => (
            "a return with this label's barcode is already issued",
            "ya hay una devolución emitida con el código de barras de esta etiqueta",
        ),
        RejReturnNotIssued => (
            "return {id} is not waiting to be dropped",
            "la devolución {id} no está pendiente de depositar",
        ),
        RejNotAReturn => (
            "parcel {parcel} is not a return",
            "el paquete {parcel} no es una devolución",
        ),
        RejIsAReturn => (
            "parcel {parcel} is a return: it has no code, hold or recipient to change",
            "el paquete {parcel} es una devolución: no tiene código, plazo ni destinatario que cambiar",
        ),
        RejReturnStillInside => (
            "the sensor of door {door} still sees something inside",
            "el sensor de la puerta {door} aún detecta algo dentro",
        ),
        DidReturnIssued => ("Return issued", "Devolución emitida"),
        DidReturnWithdrawn => ("Return withdrawn", "Devolución anulada"),
        DidDirectoryReceived => (
            "Directory record from another kiosk",
            "Registro del directorio de otro quiosco",
        ),
        SupportTitle => ("Support: {site}", "Soporte: {site}"),
        SupportWatching => ("watching", "solo lectura"),
        SupportKiosks => ("The property's kiosks", "Los quioscos del edificio"),
        SupportNoKiosks => (
            "No kiosk of {site} has been heard from on this broker yet.",
            "Ningún quiosco de {site} se ha oído aún en este bróker.",
        ),
        SupportOnline => ("online", "conectado"),
        SupportLastSeen => ("last seen {at}", "visto por última vez {at}"),
        SupportNotHeard => ("not heard yet", "sin noticias"),
        SupportColKiosk => ("Kiosk", "Quiosco"),
        SupportColState => ("State", "Estado"),
        SupportColFree => ("Free", "Libres"),
        SupportColOccupied => ("Occupied", "Ocupadas"),
        SupportColFaulty => ("Faulty", "Averías"),
        SupportColAlerts => ("Alerts", "Alertas"),
        SupportKioskHeading => (
            "Kiosk {kiosk} ({presence}): doors",
            "Quiosco {kiosk} ({presence}): puertas",
        ),
        SupportNoDetail => (
            "This kiosk has not published its doors yet.",
            "Este quiosco aún no ha publicado sus puertas.",
        ),
        SupportOpenAlerts => (
            "Open alerts: {count} (press 4).",
            "Alertas abiertas: {count} (pulse 4).",
        ),
        SupportColDoor => ("Door", "Puerta"),
        SupportColSize => ("Size", "Tam."),
        SupportColParcel => ("Parcel", "Paquete"),
        SupportColRecipient => ("Recipient", "Destinatario"),
        SupportColUntil => ("Until", "Hasta"),
        SupportAlertsHeading => (
            "Kiosk {kiosk}: open alerts",
            "Quiosco {kiosk}: alertas abiertas",
        ),
        SupportColNumber => ("No.", "Nº"),
        SupportColWhen => ("When", "Cuándo"),
        SupportColAlert => ("Alert", "Alerta"),
        SupportRecipients => (
            "The property's recipients",
            "Los destinatarios del edificio",
        ),
        SupportClosed => ("(account closed)", "(cuenta cerrada)"),
        SupportColName => ("Name", "Nombre"),
        SupportColVacation => ("Vacation", "Vacaciones"),
        SupportColParcels => ("Parcels", "Paquetes"),
        SupportOnVacation => (
            "On vacation until {until}.",
            "De vacaciones hasta el {until}.",
        ),
        SupportVacationEnds => ("Vacation mode ends.", "Se acaban las vacaciones."),
        SupportHolds => (
            "It holds parcel {parcel} ({tracking}) for {recipient}.",
            "Contiene el paquete {parcel} ({tracking}) de {recipient}.",
        ),
        SupportHoldsNothing => ("It is empty.", "Está vacía."),
        SupportOpenDoor => (
            "Open door {door} of Kiosk {kiosk}.",
            "Abrir la puerta {door} del quiosco {kiosk}.",
        ),
        SupportResend => (
            "Send a new code for door {door} of Kiosk {kiosk}.",
            "Enviar un código nuevo para la puerta {door} del quiosco {kiosk}.",
        ),
        SupportExtend => (
            "Extend the hold of door {door} of Kiosk {kiosk}.",
            "Ampliar el plazo de la puerta {door} del quiosco {kiosk}.",
        ),
        SupportAcknowledge => (
            "Acknowledge alert {alert} of Kiosk {kiosk}.",
            "Dar por vista la alerta {alert} del quiosco {kiosk}.",
        ),
        SupportVacation => (
            "Vacation mode for {recipient}.",
            "Modo vacaciones de {recipient}.",
        ),
        SupportNewRecipient => (
            "A new recipient for the property.",
            "Un destinatario nuevo para el edificio.",
        ),
        SupportChangeEmail => (
            "A new e-mail address for {recipient}.",
            "Un correo nuevo para {recipient}.",
        ),
        SupportAskReason => (
            "Why (for the kiosk's log):",
            "Por qué (para el registro del quiosco):",
        ),
        SupportAskDays => (
            "How many more days ({min}-{max}):",
            "Cuántos días más ({min}-{max}):",
        ),
        SupportAskNote => (
            "Note (for the kiosk's log):",
            "Nota (para el registro del quiosco):",
        ),
        SupportAskUntil => (
            "Last day (YYYY-MM-DD), empty to end it:",
            "Último día (AAAA-MM-DD), vacío para acabar:",
        ),
        SupportAskRecipientId => (
            "Recipient ID (6 digits):",
            "ID de destinatario (6 dígitos):",
        ),
        SupportAskName => ("Name:", "Nombre:"),
        SupportAskEmail => ("E-mail:", "Correo:"),
        SupportReason => ("Reason: {reason}", "Motivo: {reason}"),
        SupportByDays => ("{days} more days.", "{days} días más."),
        SupportSignedBy => (
            "Signed by {agent}, sent to Kiosk {kiosk}.",
            "Firmado por {agent}, enviado al quiosco {kiosk}.",
        ),
        SupportSending => (
            "Sent to Kiosk {kiosk}; waiting for its answer...",
            "Enviado al quiosco {kiosk}; esperando su respuesta...",
        ),
        SupportDone => ("Kiosk {kiosk}: done.", "Quiosco {kiosk}: hecho."),
        SupportRefused => ("Kiosk {kiosk}: {why}", "Quiosco {kiosk}: {why}"),
        SupportOrderRefused => (
            "Kiosk {kiosk} refused the order (its key, site or time): {said}",
            "El quiosco {kiosk} rechazó la orden (su clave, edificio u hora): {said}",
        ),
        SupportNoAnswer => (
            "No answer from Kiosk {kiosk}: it or the broker is away. The order expires unused.",
            "Sin respuesta del quiosco {kiosk}: él o el bróker no están. La orden caduca sin usarse.",
        ),
        SupportNoParcelThere => ("No parcel there.", "Ahí no hay paquete."),
        SupportNoKioskOnline => (
            "No kiosk of the property is online to take the change.",
            "Ningún quiosco del edificio está conectado para recibir el cambio.",
        ),
        SupportReadOnly => (
            "Watching only: start with --key to send orders.",
            "Solo lectura: empiece con --key para enviar órdenes.",
        ),
        SupportSayWhy => ("Please say why.", "Diga por qué, por favor."),
        SupportBadDays => ("From {min} to {max} days.", "De {min} a {max} días."),
        SupportBadDate => (
            "A date as YYYY-MM-DD, or nothing.",
            "Una fecha AAAA-MM-DD, o nada.",
        ),
        SupportBadRecipientId => (
            "Not a recipient ID of the property.",
            "No es un ID de destinatario del edificio.",
        ),
        SupportBadRecipient => (
            "A name and a valid e-mail address, please.",
            "Un nombre y un correo válido, por favor.",
        ),
        SupportKeysKiosks => (
            "{up}/{down} Move  {enter} Doors  1 Recipients  2 Staff",
            "{up}/{down} Mover  {enter} Puertas  1 Destinatarios  2 Personal",
        ),
        SupportKeysKiosk => (
            "{enter} Open door  2 Resend code  3 Extend  4 Alerts  {back} Back",
            "{enter} Abrir puerta  2 Reenviar código  3 Ampliar  4 Alertas  {back} Volver",
        ),
        SupportKeysAlerts => (
            "{up}/{down} Move  {enter} Acknowledge  {back} Back",
            "{up}/{down} Mover  {enter} Dar por vista  {back} Volver",
        ),
        SupportKeysRecipients => (
            "{up}/{down} Move  {enter} Parcels  6 New  {back} Back",
            "{up}/{down} Mover  {enter} Paquetes  6 Nuevo  {back} Volver",
        ),
        SupportKeysRecipient => (
            "2 Resend code  3 Extend  5 Vacation  6 E-mail  7 Close account  {back} Back",
            "2 Reenviar código  3 Ampliar  5 Vacaciones  6 Correo  7 Cerrar cuenta  {back} Volver",
        ),
        SupportKeysForm => (
            "{enter} Next  {cancel} Cancel",
            "{enter} Seguir  {cancel} Cancelar",
        ),
        SupportKeysConfirm => (
            "{enter} Send  {cancel} Cancel",
            "{enter} Enviar  {cancel} Cancelar",
        ),
        SupportKeysSending => ("", ""),
        SupportKeysLeave => ("{quit} Leave", "{quit} Salir"),
        SupportStaff => (
            "The property's staff accounts",
            "Las cuentas del personal del edificio",
        ),
        SupportColRole => ("Role", "Función"),
        SupportRemoveUser => (
            "Remove the account {name} ({role}) at every kiosk of the property.",
            "Quitar la cuenta {name} ({role}) en todos los quioscos del edificio.",
        ),
        SupportKeysStaff => (
            "{up}/{down} Move  {enter} Remove  {back} Back",
            "{up}/{down} Mover  {enter} Quitar  {back} Volver",
        ),
        SupportCloseAccount => (
            "Close the account of {recipient}: its personal data is deleted at every kiosk, its ID kept.",
            "Cerrar la cuenta de {recipient}: sus datos personales se borran en todos los quioscos y se guarda su ID.",
        ),
        DidReturnDropStarted => ("Return drop-off started", "Entrega de devolución iniciada"),
        DidReturnDropCancelled => (
            "Return drop-off cancelled",
            "Entrega de devolución cancelada",
        ),
        DidReturnDropped => ("Return dropped off", "Devolución entregada"),
        DidReturnCollected => (
            "Return collected by a courier",
            "Devolución recogida por un mensajero",
        ),
        WhyReturnDrop => ("Return drop-off", "Entrega de devolución"),
        WhyReturnCollect => ("Return collection", "Recogida de devolución"),
        MailReturnReceipt => ("Return receipt", "Recibo de devolución"),
        NoReturnMalformed => ("Not a return code", "No es un código de devolución"),
        NoReturnUnknown => ("Unknown return code", "Código de devolución desconocido"),
        ReturnStateIssued => ("Code issued", "Código emitido"),
        ReturnStateDropping => ("Being dropped off", "Entregándose"),
        ReturnStateWaiting => ("Waiting for a courier", "Esperando a un mensajero"),
        ReturnStateCollected => ("Collected", "Recogida"),
        ReturnStateWithdrawn => ("Withdrawn", "Anulada"),
        ThingReturn => ("Return", "Devolución"),
        MailReturnIssuedSubject => (
            "Your return code for {kiosk_name}",
            "Su código de devolución para {kiosk_name}",
        ),
        MailReturnIssuedBody => (
            "Your return{reference} can be dropped off at kiosk {kiosk} ({kiosk_name}, locker code {locker_code}).\n\n\
             Return code: {code}\n\n\
             At the kiosk press C (Help), then 2, and type the 8 digits: a door of the right size opens.\n\
             Put the parcel in and close the door; you get a receipt. The code works once.",
            "Puede entregar su devolución{reference} en el quiosco {kiosk} ({kiosk_name}, código de casillero {locker_code}).\n\n\
             Código de devolución: {code}\n\n\
             En el quiosco pulse C (Ayuda), luego 2, y escriba los 8 dígitos: se abre una puerta del tamaño adecuado.\n\
             Meta el paquete y cierre la puerta; recibirá un recibo. El código sirve una sola vez.",
        ),
        MailReturnLabelBody => (
            "Your return{reference} can be dropped off at kiosk {kiosk} ({kiosk_name}, locker code {locker_code}).\n\n\
             At the kiosk press C (Help), then 2, and scan the barcode of the prepaid label on your parcel: a door of the right size opens.\n\
             Put the parcel in and close the door; you get a receipt. The label opens a door once.",
            "Puede entregar su devolución{reference} en el quiosco {kiosk} ({kiosk_name}, código de casillero {locker_code}).\n\n\
             En el quiosco pulse C (Ayuda), luego 2, y escanee el código de barras de la etiqueta prepagada de su paquete: se abre una puerta del tamaño adecuado.\n\
             Meta el paquete y cierre la puerta; recibirá un recibo. La etiqueta abre una puerta una sola vez.",
        ),
        MailReturnReceiptSubject => ("Return {return} received", "Devolución {return} recibida"),
        MailReturnReceiptBody => (
            "Your return {return}{reference} is in door {door} of kiosk {kiosk} ({kiosk_name}).\n\
             Receipt: {receipt}\n\
             A courier will collect it; you will hear when they have.",
            "Su devolución {return}{reference} está en la puerta {door} del quiosco {kiosk} ({kiosk_name}).\n\
             Recibo: {receipt}\n\
             Un mensajero la recogerá; le avisaremos cuando lo haga.",
        ),
        MailReturnCollectedSubject => (
            "Return {return} is on its way",
            "Su devolución {return} va en camino",
        ),
        MailReturnCollectedBody => (
            "A courier collected your return {return}{reference} from kiosk {kiosk} ({kiosk_name}).\n\
             Receipt: {receipt}",
            "Un mensajero recogió su devolución {return}{reference} del quiosco {kiosk} ({kiosk_name}).\n\
             Recibo: {receipt}",
        ),
        HelpReturn => (
            "Returning a parcel? Press 2.",
            "¿Devuelve un paquete? Pulse 2.",
        ),
        ReturnTitle => ("Drop off a return", "Entregar una devolución"),
        ReturnHow => (
            "Type the 8-digit return code from your message, or scan the barcode of your prepaid return label, then {enter}.",
            "Escriba el código de devolución de 8 dígitos de su mensaje, o escanee el código de barras de su etiqueta prepagada, y pulse {enter}.",
        ),
        KeysReturnCode => (
            "{enter} Open a door   {back} Delete / back",
            "{enter} Abrir una puerta   {back} Borrar / volver",
        ),
        ReturnPutIn => (
            "Put your return in and close the door.",
            "Meta su devolución y cierre la puerta.",
        ),
        KeysReturnDoor => ("{back} Cancel", "{back} Cancelar"),
        ReturnNotDroppedTitle => ("Nothing was dropped off", "No se entregó nada"),
        ReturnNotDroppedText => (
            "If your parcel is in door {door}, take it out and close the door.",
            "Si su paquete está en la puerta {door}, sáquelo y cierre la puerta.",
        ),
        ReturnCodeStillWorks => (
            "Your return code still works.",
            "Su código de devolución sigue sirviendo.",
        ),
        ReturnDroppedText => (
            "Your return is in door {door}. A courier will collect it.",
            "Su devolución está en la puerta {door}. Un mensajero la recogerá.",
        ),
        ReturnReceiptLine => ("Receipt: {receipt}", "Recibo: {receipt}"),
        ReturnReceiptSent => (
            "A copy goes to the address given for this return, if any.",
            "Se envía una copia a la dirección indicada para esta devolución, si la hay.",
        ),
        ReturnCodeUnknown => (
            "That return code is not known: check it and try again. {reason}",
            "Ese código de devolución no existe: revíselo e inténtelo de nuevo. {reason}",
        ),
        ReturnCodeMalformed => (
            "A return code has 8 digits; or scan the label's barcode.",
            "Un código de devolución tiene 8 dígitos; o escanee el código de barras de la etiqueta.",
        ),
        ReturnNoDoor => (
            "No free door of this size right now: please try again later.",
            "Ahora no hay una puerta libre de este tamaño: inténtelo más tarde.",
        ),
        ReturnDoorBusy => (
            "A door is already open for this return.",
            "Ya hay una puerta abierta para esta devolución.",
        ),
        MenuReturns => ("2  Returns to collect", "2  Devoluciones por recoger"),
        ReturnsTitle => ("Returns to collect", "Devoluciones por recoger"),
        ReturnsLeft => ("Left to collect: {count}", "Por recoger: {count}"),
        ReturnsNext => (
            "Next: door {door}, return {id}",
            "Siguiente: puerta {door}, devolución {id}",
        ),
        ReturnsOpen => (
            "Door {door} is open: take return {id} out.",
            "La puerta {door} está abierta: saque la devolución {id}.",
        ),
        ReturnsCloseAfter => (
            "Close the door after taking it out.",
            "Cierre la puerta después de sacarla.",
        ),
        ReturnsTaken => (
            "Did you take return {id} from door {door}?",
            "¿Sacó la devolución {id} de la puerta {door}?",
        ),
        KeysReturnsTaken => (
            "{enter} Yes, I have it   {back} No",
            "{enter} Sí, la tengo   {back} No",
        ),
        ReturnsCount => (
            "Collected so far: {count}",
            "Recogidas hasta ahora: {count}",
        ),
        ReturnsStillInside => (
            "Door {reason} still holds the return: it stays on the list.",
            "La puerta {reason} aún tiene la devolución: sigue en la lista.",
        ),
        ReturnsNone => ("No returns to collect.", "No hay devoluciones por recoger."),
        ReturnsDone => (
            "All returns are collected.",
            "Todas las devoluciones están recogidas.",
        ),
        MenuReturnAuths => ("Returns: issue and follow", "Devoluciones: emitir y seguir"),
        ReturnAuthsTitle => (
            "Returns (newest first)",
            "Devoluciones (las últimas primero)",
        ),
        KeysReturnAuths => (
            "{up}/{down} move  1 issue a return  2 withdraw it  {cancel} menu",
            "{up}/{down} mover  1 emitir devolución  2 anularla  {cancel} menú",
        ),
        KeysReturnAuthsKeypad => (
            "{up}/{down} move  1 issue  2 withdraw  {cancel} menu",
            "{up}/{down} mover  1 emitir  2 anular  {cancel} menú",
        ),
        ColSize => ("Size", "Tam."),
        ColReference => ("Reference", "Referencia"),
        ColFor => ("For", "Para"),
        PickSizeS => ("S, small", "S, pequeña"),
        PickSizeM => ("M, medium", "M, mediana"),
        PickSizeL => ("L, large", "L, grande"),
        PickSizeXL => ("XL, extra large", "XL, muy grande"),
        FormReturnSize => (
            "New return: the size of door it needs (S, M, L or XL)",
            "Nueva devolución: el tamaño de puerta que necesita (S, M, L o XL)",
        ),
        FormReturnRecipient => (
            "Return, size {size}: the recipient ID or an e-mail address the code goes to, or {enter} for nobody",
            "Devolución, tamaño {size}: el ID del destinatario o un correo al que va el código, o {enter} para nadie",
        ),
        FormReturnRecipientKeypad => (
            "Return, size {size}: the recipient ID the code goes to, or {enter} for nobody. A reference or a prepaid label needs a keyboard: locker admin on a laptop.",
            "Devolución, tamaño {size}: el ID del destinatario al que va el código, o {enter} para nadie. Una referencia o una etiqueta prepagada necesitan un teclado: locker admin en un portátil.",
        ),
        FormReturnReference => (
            "Return, size {size}: the shop's order or the carrier's reference, or {enter} for none",
            "Devolución, tamaño {size}: el pedido de la tienda o la referencia del transportista, o {enter} para ninguna",
        ),
        FormReturnLabel => (
            "Return, size {size}: scan or type the prepaid label's barcode, or {enter} to make a code here",
            "Devolución, tamaño {size}: escanee o escriba el código de barras de la etiqueta prepagada, o {enter} para crear un código aquí",
        ),
        FormWithdrawReturn => (
            "Withdraw return {id}? Its code stops opening a door. {enter} withdraws it, {cancel} keeps it.",
            "¿Anular la devolución {id}? Su código deja de abrir una puerta. {enter} la anula, {cancel} la mantiene.",
        ),
        NeedReturnSize => (
            "pick a size: S, M, L or XL",
            "elija un tamaño: S, M, L o XL",
        ),
        NeedRecipientOrEmail => (
            "a recipient ID (e.g. PX-482913) or an e-mail address",
            "un ID de destinatario (p. ej. PX-482913) o un correo",
        ),
        ReturnIssuedTitle => ("Return {id} issued", "Devolución {id} emitida"),
        ReturnIssuedCode => ("Return {id}: code {code}", "Devolución {id}: código {code}"),
        ReturnIssuedOnce => (
            "Give it to the customer: it is shown only now.",
            "Déselo al cliente: solo se muestra ahora.",
        ),
        ReturnIssuedLabel => (
            "Return {id}: the label's barcode opens its door.",
            "Devolución {id}: el código de barras de la etiqueta abre su puerta.",
        ),
        ReturnIssuedTold => (
            "A message with it goes to the address given, if any.",
            "Un mensaje con él va a la dirección indicada, si la hay.",
        ),
        KeysReturnIssued => ("{enter} done", "{enter} listo"),
        ReturnWithdrawnNotice => (
            "Return {id} withdrawn: its code no longer opens a door.",
            "Devolución {id} anulada: su código ya no abre una puerta.",
        ),
        ReturnNotWithdrawable => (
            "Return {id}: {state}. Only one whose code is unused can be withdrawn.",
            "Devolución {id}: {state}. Solo se anula una con el código sin usar.",
        ),
    }
}

/// The message in `lang`, placeholders untouched.
pub fn tr(lang: Language, id: Text) -> &'static str {
    let (en, es) = strings(id);
    match lang {
        Language::En => en,
        Language::Es => es,
    }
}

/// The message in `lang` with `{name}` placeholders filled.
pub fn fill(lang: Language, id: Text, args: &[(&str, &dyn Display)]) -> String {
    let mut out = tr(lang, id).to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The sentences the engine stores, most particular first.
const SENTENCES: &[Text] = &[
    SaidItemInputsRefused,
    SaidBoardSilent,
    SaidBusDown,
    SaidBoard,
    SaidBoardBack,
    SaidLeftOpen,
    SaidForcedOpen,
    SaidSomethingInside,
    SaidParcelGone,
    SaidJam,
    SaidRestartInspection,
    SaidSensorUnreadable,
    SaidSensorsUndecided,
    SaidGivenUpFull,
    SaidGivenUp,
    SaidNotFitOrCancelled,
    SaidDidNotOpen,
    SaidRestartEmpty,
    SaidSignInPaused,
    SaidCodesPaused,
    SaidDailyCap,
    SaidProblem,
    SaidCodesReissued,
    SaidMessageDead,
    SaidReminder,
    SaidReturnToSender,
    SaidToOffice,
    SaidMovedTo,
    SaidExtended,
    SaidNothingChanged,
    SaidMessages,
];

/// Placeholders that hold a machine name, and the namespace its words
/// are under.
const MACHINE_ARGS: [(&str, &str); 2] = [("purpose", ""), ("problem", "problem.")];

/// Placeholders that hold words (a reason typed by a person, a server's
/// error, another stored sentence); any other holds one token.
const FREE_ARGS: [&str; 5] = ["why", "reason", "error", "to", "inputs"];

/// A sentence for an alert or the audit log, as it is stored: English,
/// which [`reword`] reads back into any language.
pub fn said(id: Text, args: &[(&str, &dyn Display)]) -> String {
    fill(Language::En, id, args)
}

/// A sentence the engine stored, in `lang`: matched against the English of
/// each of [`SENTENCES`], its values put into `lang`'s words (machine
/// names in words, a nested sentence reworded). Anything else, such as a
/// note typed by a person, keeps its words, with machine names in words.
pub fn reword(lang: Language, stored: &str) -> String {
    for &id in SENTENCES {
        let Some(values) = captures(tr(Language::En, id), stored) else {
            continue;
        };
        let values: Vec<(String, String)> = values
            .into_iter()
            .map(|(name, value)| {
                let shown = match MACHINE_ARGS.iter().find(|(n, _)| *n == name) {
                    Some((_, space)) => {
                        lowercase_first(&named(lang, &format!("{space}{}", snake(&value))))
                    }
                    None if FREE_ARGS.contains(&name.as_str()) => reword(lang, &value),
                    None => value,
                };
                (name, shown)
            })
            .collect();
        let args: Vec<(&str, &dyn Display)> = values
            .iter()
            .map(|(n, v)| (n.as_str(), v as &dyn Display))
            .collect();
        return fill(lang, id, &args);
    }
    humanize(lang, stored)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The values of `template`'s placeholders in `text`, if `text` is that
/// template filled: literal parts match exactly, a placeholder takes one
/// token (or words, for [`FREE_ARGS`]) up to the next literal part.
fn captures(template: &str, text: &str) -> Option<Vec<(String, String)>> {
    let mut values = Vec::new();
    let mut rest_t = template;
    let mut rest = text;
    loop {
        let Some(open) = rest_t.find('{') else {
            return (rest_t == rest).then_some(values);
        };
        rest = rest.strip_prefix(&rest_t[..open])?;
        let close = open + rest_t[open..].find('}')?;
        let name = &rest_t[open + 1..close];
        rest_t = &rest_t[close + 1..];
        let next = rest_t.find('{').unwrap_or(rest_t.len());
        let literal = &rest_t[..next];
        let end = if literal.is_empty() {
            rest.len()
        } else if next == rest_t.len() {
            rest.strip_suffix(literal).map(str::len)?
        } else {
            rest.find(literal)?
        };
        let value = &rest[..end];
        if value.is_empty() || (!FREE_ARGS.contains(&name) && value.contains(char::is_whitespace)) {
            return None;
        }
        values.push((name.to_string(), value.to_string()));
        rest = &rest[end..];
    }
}

/// The actions the engine and the service laptop write to the audit log
/// (docs/AUDIT.md).
pub const AUDIT_ACTIONS: &[&str] = &[
    "account_closed",
    "alert_acknowledged",
    "board_offline",
    "bus_up",
    "code_resent",
    "control",
    "deposit_cancelled",
    "deposit_door_released",
    "deposit_started",
    "deposit_stored",
    "directory_received",
    "disabled",
    "does_not_fit",
    "door_closed",
    "enabled",
    "expired",
    "forced_open",
    "hold_extended",
    "inspected",
    "inspection_needed",
    "intent_settled",
    "item_inputs_refused",
    "jammed",
    "lost_code",
    "manual_unlock",
    "marker_added",
    "markers_exported",
    "outbox_retry",
    "parcel_placed",
    "picked_up",
    "pin_reset",
    "problem_reported",
    "pulse",
    "pulse_failed",
    "reassigned",
    "recipient_saved",
    "recovery",
    "reminder",
    "removed",
    "return_collected",
    "return_drop_cancelled",
    "return_drop_started",
    "return_dropped",
    "return_issued",
    "return_withdrawn",
    "sign_in",
    "user_added",
    "user_removed",
    "vacation",
    "wrong_code",
    "wrong_pin",
];

/// The words for a machine name: an audit action as stored, an alert,
/// marker or e-mail kind, a state or role as exported (`picked_up`), or a
/// name in a namespace (`refusal.unknown`, `class.domestic`) where one
/// name means two things. A namespaced name falls back to its bare one.
/// docs/AUDIT.md lists the machine names.
pub fn machine(name: &str) -> Option<Text> {
    Some(match name {
        "account_closed" => DidAccountClosed,
        "alert_acknowledged" => DidAlertAcknowledged,
        "board_offline" => DidBoardOffline,
        "bus_up" => DidBusUp,
        "code_resent" => DidCodeResent,
        "control" => DidControl,
        "deposit_cancelled" => DidDepositCancelled,
        "deposit_door_released" => DidDepositDoorReleased,
        "deposit_started" => DidDepositStarted,
        "deposit_stored" => DidDepositStored,
        "disabled" => DidDisabled,
        "does_not_fit" => DidDoesNotFit,
        "door_closed" => DidDoorClosed,
        "enabled" => DidEnabled,
        "expired" => DidExpired,
        "forced_open" => DidForcedOpen,
        "hold_extended" => DidHoldExtended,
        "inspected" => DidInspected,
        "inspection_needed" => DidInspectionNeeded,
        "intent_settled" => DidIntentSettled,
        "item_inputs_refused" => DidItemInputsRefused,
        "jammed" => DidJammed,
        "lost_code" => DidLostCode,
        "manual_unlock" => DidManualUnlock,
        "marker_added" => DidMarkerAdded,
        "markers_exported" => DidMarkersExported,
        "outbox_retry" => DidOutboxRetry,
        "parcel_placed" => DidParcelPlaced,
        "picked_up" => DidPickedUp,
        "pin_reset" => DidPinReset,
        "problem_reported" => DidProblemReported,
        "pulse" => DidPulse,
        "pulse_failed" => DidPulseFailed,
        "reassigned" => DidReassigned,
        "recipient_saved" => DidRecipientSaved,
        "recovery" => DidRecovery,
        "reminder" => DidReminder,
        "removed" => DidRemoved,
        "sign_in" => DidSignIn,
        "user_added" => DidUserAdded,
        "user_removed" => DidUserRemoved,
        "vacation" => DidVacation,
        "wrong_code" => DidWrongCode,
        "wrong_pin" => DidWrongPin,
        "jam" => AlertJam,
        "door_left_open" => AlertDoorLeftOpen,
        "lockout" => AlertLockout,
        "daily_cap" => AlertDailyCap,
        "bus_down" => AlertBusDown,
        "notification_dead" => AlertNotificationDead,
        "codes_reissued" => AlertCodesReissued,
        "item_sensors_unreadable" => AlertItemSensorsUnreadable,
        "manual" => MarkManual,
        "deposit" => WhyDeposit,
        "pickup" => WhyPickup,
        "reopen" => WhyReopen,
        "removal" => WhyRemoval,
        "depositing" => StateDepositing,
        "stored" => StateStored,
        "parcel.expired" => StateExpired,
        "parcel.removed" => StateRemoved,
        "class.domestic" => ClassDomestic,
        "class.international" => ClassInternational,
        "class.express" => ClassExpress,
        "courier" => RoleCourier,
        "admin" => RoleAdmin,
        "technician" => RoleTechnician,
        "open" => DoorOpen,
        "closed" => DoorClosedState,
        "unknown" => DoorUnknown,
        "free" => SlotFree,
        "reserved" => SlotReserved,
        "occupied" => SlotOccupied,
        "compartment.disabled" => SlotDisabled,
        "faulty" => SlotFaulty,
        "queued" => MailQueued,
        "sent" => MailSent,
        "dead" => MailDead,
        "delivered" => MailDelivered,
        "reminder1" => MailReminder1,
        "reminder2" => MailReminder2,
        "final_notice" => MailFinalNotice,
        "proof_of_delivery" => MailProofOfDelivery,
        "admin_alert" => MailAdminAlert,
        "refusal.malformed" => NoMalformed,
        "refusal.unknown" => NoUnknown,
        "refusal.used" => NoUsed,
        "refusal.expired" => NoExpired,
        "refusal.replaced" => NoReplaced,
        "refusal.reassigned" => NoReassigned,
        "refusal.other_kiosk" => NoOtherKiosk,
        "refusal.held_elsewhere" => NoHeldElsewhere,
        "refusal.not_a_code" => NoNotACode,
        "refusal.sign_in_locked" => NoSignInLocked,
        "refusal.needs_inspection" => NoNeedsInspection,
        "refusal.door_busy" => NoDoorBusy,
        "refusal.not_registered" => NoNotRegistered,
        "refusal.oversized" => NoOversized,
        "refusal.no_compartment" => NoNoCompartment,
        "refusal.bus_down" => NoBusDown,
        "refusal.wrong_pin" => NoWrongPin,
        "refusal.reopen_closed" => NoReopenClosed,
        "refusal.parcels_waiting" => NoParcelsWaiting,
        "thing.parcel" => ThingParcel,
        "thing.door" => ThingDoor,
        "thing.compartment" => ThingCompartment,
        "thing.recipient" => ThingRecipient,
        "thing.user" => ThingUser,
        "thing.alert" => ThingAlert,
        "thing.message" => ThingMessage,
        "rejection.not_expired" => RejNotExpired,
        "rejection.not_waiting" => RejNotWaiting,
        "rejection.not_being_deposited" => RejNotBeingDeposited,
        "rejection.dimension_too_small" => RejDimensionTooSmall,
        "rejection.tracking_malformed" => RejTrackingMalformed,
        "rejection.tracking_check_digit" => RejTrackingCheckDigit,
        "rejection.larger_size" => RejLargerSize,
        "rejection.no_free_code" => RejNoFreeCode,
        "rejection.fee_offer_expired" => RejFeeOfferExpired,
        "rejection.reason_needed" => RejReasonNeeded,
        "rejection.extend_days" => RejExtendDays,
        "rejection.closed_account" => RejClosedAccount,
        "rejection.recipient_exists" => RejRecipientExists,
        "rejection.nothing_to_change" => RejNothingToChange,
        "rejection.recipient_id_malformed" => RejRecipientIdMalformed,
        "rejection.user_exists" => RejUserExists,
        "rejection.pin_malformed" => RejPinMalformed,
        "rejection.last_admin" => RejLastAdmin,
        "rejection.order_repeated" => RejOrderRepeated,
        "rejection.recipient_id_reserved" => RejRecipientIdReserved,
        "rejection.return_label_malformed" => RejReturnLabelMalformed,
        "rejection.return_label_in_use" => RejReturnLabelInUse,
        "rejection.return_not_issued" => RejReturnNotIssued,
        "rejection.not_a_return" => RejNotAReturn,
        "rejection.is_a_return" => RejIsAReturn,
        "rejection.return_still_inside" => RejReturnStillInside,
        "return_issued" => DidReturnIssued,
        "return_withdrawn" => DidReturnWithdrawn,
        "directory_received" => DidDirectoryReceived,
        "return_drop_started" => DidReturnDropStarted,
        "return_drop_cancelled" => DidReturnDropCancelled,
        "return_dropped" => DidReturnDropped,
        "return_collected" => DidReturnCollected,
        "return_drop" => WhyReturnDrop,
        "return_collect" => WhyReturnCollect,
        "return_receipt" => MailReturnReceipt,
        "refusal.return_malformed" => NoReturnMalformed,
        "refusal.return_unknown" => NoReturnUnknown,
        "return.issued" => ReturnStateIssued,
        "return.dropping" => ReturnStateDropping,
        "return.waiting" => ReturnStateWaiting,
        "return.collected" => ReturnStateCollected,
        "return.withdrawn" => ReturnStateWithdrawn,
        "return" => ThingReturn,
        "problem.wrong_parcel" => SaysWrongParcel,
        "problem.damaged" => SaysDamaged,
        "problem.empty" => SaysEmpty,
        "problem.door_did_not_open" => SaysDoorDidNotOpen,
        "found.empty" => FoundEmpty,
        "found.parcel" => FoundParcel,
        _ => return name.split_once('.').and_then(|(_, bare)| machine(bare)),
    })
}

/// A machine name in words; one the table lacks is shown with spaces for
/// its underscores, never as code.
pub fn named(lang: Language, name: &str) -> String {
    match machine(name) {
        Some(id) => tr(lang, id).to_string(),
        None => {
            let bare = name.rsplit('.').next().unwrap_or(name);
            let spaced = snake(bare).replace('_', " ");
            let mut chars = spaced.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The machine name of a value as it is stored and exported: a unit
/// variant's serde name (`AlertKind::InspectionNeeded` → `inspection_needed`),
/// or a tagged one's tag (`Refusal::WrongPin` → `wrong_pin`).
pub fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(fields)) => fields
            .get("reason")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

/// A value's machine name in words, looked up first in `space`
/// (`"class"` for `class.domestic`).
pub fn words_for<T: serde::Serialize>(lang: Language, space: &str, value: &T) -> String {
    named(lang, &format!("{space}.{}", name_of(value)))
}

/// `WrongPin` → `wrong_pin`: a name as `{:?}` prints it, as a machine name.
pub fn snake(camel: &str) -> String {
    let mut out = String::new();
    let mut lower_before = false;
    for c in camel.chars() {
        if c.is_uppercase() && lower_before {
            out.push('_');
        }
        lower_before = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether a word is a name from the code: `snake_case` or `CamelCase`.
pub fn is_code_name(word: &str) -> bool {
    let letters = |c: char| c.is_alphanumeric();
    let chars: Vec<char> = word.chars().collect();
    let snake = chars
        .windows(3)
        .any(|w| letters(w[0]) && w[1] == '_' && letters(w[2]));
    let camel = chars
        .windows(2)
        .any(|w| w[0].is_lowercase() && w[1].is_uppercase());
    snake || camel
}

/// Text the machine wrote (an audit entry's detail, an alert's text), with
/// its code in words: each `snake_case` or `CamelCase` name the table knows
/// (bare, or as a refusal, a reported problem or a finding), `Some(x)` as
/// `x` and a lone `None` as `-`.
pub fn humanize(lang: Language, text: &str) -> String {
    let mut text = text.to_string();
    while let Some(at) = text.find("Some(") {
        let inner = at + "Some(".len();
        let mut depth = 1;
        let close = text[inner..].char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(inner + i)
        });
        let Some(close) = close else { break };
        text = format!(
            "{}{}{}",
            &text[..at],
            &text[inner..close],
            &text[close + 1..]
        );
    }
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let known = ["", "refusal.", "problem.", "found."]
            .iter()
            .find_map(|ns| machine(&format!("{ns}{}", snake(word))));
        match known {
            Some(id) if is_code_name(word) => out.push_str(tr(lang, id)),
            _ if word == "None" => out.push('-'),
            _ => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// An audit entry's detail in words. Some actions store a machine name
/// first: the refusal of a wrong code, a reported problem, what an
/// inspection found, why a lock opened, the role signed in, the class of
/// an expired parcel.
pub fn audit_detail(lang: Language, action: &str, detail: &str) -> String {
    let space = match action {
        "wrong_code" => "refusal.",
        "problem_reported" => "problem.",
        "inspected" => "found.",
        "expired" => "class.",
        "pulse" | "sign_in" => "",
        "vacation" => {
            return match detail.split_once(" until ") {
                Some((who, "None")) => fill(lang, VacationEnded, &[("who", &who)]),
                Some((who, until)) => {
                    let until = humanize(lang, until);
                    fill(lang, VacationUntil, &[("who", &who), ("until", &until)])
                }
                None => reword(lang, detail),
            };
        }
        _ => return reword(lang, detail),
    };
    let end = detail
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(detail.len());
    let (head, rest) = detail.split_at(end);
    match machine(&format!("{space}{}", snake(head))) {
        // A refusal's fields (the other kiosk's letter) say nothing more.
        Some(id) if space == "refusal." => tr(lang, id).to_string(),
        Some(id) => format!("{}{}", tr(lang, id), humanize(lang, rest)),
        None => reword(lang, detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_sentences_read_back_in_either_language() {
        let jam = said(SaidJam, &[("door", &15), ("purpose", &"pickup")]);
        assert_eq!(jam, "door 15 did not open (pickup)");
        assert_eq!(
            reword(Language::Es, &jam),
            "la puerta 15 no se abrió (recogida)"
        );
        let full = said(
            SaidGivenUpFull,
            &[("door", &5), ("why", &said(SaidNotFitOrCancelled, &[]))],
        );
        assert_eq!(
            reword(Language::Es, &full),
            "la puerta 5 se dejó (no cabe o cancelado) pero su sensor ve algo dentro"
        );
        // Written before the sentences were named: a problem as `{:?}`.
        assert_eq!(
            reword(Language::Es, "door 2: recipient reports WrongParcel"),
            "puerta 2: el destinatario informa de paquete equivocado"
        );
        let typed = "+3 days: the receipt is lost";
        assert_eq!(reword(Language::Es, typed), "+3 días: the receipt is lost");
        assert_eq!(
            reword(Language::Es, "the receipt is lost"),
            "the receipt is lost"
        );
        for &id in SENTENCES {
            assert_ne!(tr(Language::En, id), tr(Language::Es, id), "{id:?}");
        }
    }
    use crate::ui::profile::ascii_symbol;

    /// Every id, so a test can walk the whole table.
    const SAMPLE: [Text; 6] = [
        Welcome,
        CodeUnknown,
        CheckRightKiosk,
        KeysFee,
        HelpKeys,
        SizeLine,
    ];

    #[test]
    fn spanish_is_not_a_copy_of_english_where_words_differ() {
        for id in SAMPLE {
            let (en, es) = strings(id);
            assert!(!en.is_empty() && !es.is_empty());
        }
        assert_ne!(tr(Language::Es, Welcome), tr(Language::En, Welcome));
    }

    #[test]
    fn placeholders_are_filled() {
        let s = fill(Language::En, TriesLeft, &[("tries", &3)]);
        assert_eq!(s, "3 tries left before typed codes pause.");
        let s = fill(Language::Es, DoorIsOpen, &[("door", &14)]);
        assert_eq!(s, "La puerta 14 está abierta");
    }

    #[test]
    fn machine_names_read_as_words() {
        assert_eq!(snake("WrongPin"), "wrong_pin");
        assert_eq!(named(Language::En, "wrong_code"), "Wrong code typed");
        assert_eq!(named(Language::Es, "wrong_code"), "Código incorrecto");
        // A namespace picks the meaning and falls back to the bare name.
        assert_eq!(named(Language::En, "refusal.unknown"), "Unknown code");
        assert_eq!(named(Language::En, "parcel.picked_up"), "Picked up");
        // A name the table lacks is still not shown as code.
        assert_eq!(named(Language::En, "brand_new_thing"), "Brand new thing");
        assert_eq!(
            audit_detail(Language::En, "wrong_code", "OtherKiosk { kiosk: \"B\" }"),
            "Code for another kiosk"
        );
        assert_eq!(
            audit_detail(Language::Es, "inspected", "Empty: all clear"),
            "encontrada vacía: all clear"
        );
        assert_eq!(
            audit_detail(Language::En, "vacation", "PX-1 until Some(2026-12-15)"),
            "PX-1 away until 2026-12-15"
        );
        assert_eq!(
            humanize(
                Language::En,
                "door 2: recipient reports DoorDidNotOpen (manual_unlock)"
            ),
            "door 2: recipient reports door did not open (Opened by staff)"
        );
        assert_eq!(
            humanize(Language::En, "ana_b@example.org"),
            "ana_b@example.org"
        );
    }

    #[test]
    fn spanish_letters_survive_a_vt100_as_plain_ascii() {
        let shown: String = "Código dañado ¿Sigue?"
            .chars()
            .map(|c| ascii_symbol(&c.to_string()))
            .collect();
        assert_eq!(shown, "Codigo danado ?Sigue?");
    }
}
