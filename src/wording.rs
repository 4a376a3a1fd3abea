//! Every word the kiosk, the admin console, the service screens and the
//! e-mails show, in English and Spanish, keyed by message id.
//!
//! One table, so a translator sees every string side by side and a screen
//! can never show half a language. Placeholders are `{name}`, filled by
//! [`fill`]. Lines are kept under 76 columns so nothing wraps mid-word at
//! 80x24.

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
    HomePickup,
    HomeDeposit,
    HomeHelp,
    HomeLanguage,
    // Code entry.
    PickupTitle,
    EnterCode,
    OrScan,
    KeysCodeEntry,
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
    CodeOtherKiosk,
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
    // Notices.
    NotAccepted,
    SessionEnded,
    NotAllowed,
    ReopenOver,
    NoLargerDoor,
    SomethingWrong,
    TypeFirst,
}

use Text::*;

/// `(English, Spanish)` for one message.
fn strings(id: Text) -> (&'static str, &'static str) {
    match id {
        KioskTitle => ("Kiosk {letter} - {name}", "Quiosco {letter} - {name}"),
        LockerCode => ("Locker code {code}", "Código del casillero {code}"),
        Welcome => ("Welcome", "Bienvenido"),
        HomeIntro => (
            "Type your 6-digit code, or scan the QR code from your message.",
            "Escriba su código de 6 dígitos o escanee el código QR de su mensaje.",
        ),
        HomePickup => ("A  Pick up a parcel", "A  Recoger un paquete"),
        HomeDeposit => ("B  Deposit (couriers)", "B  Depositar (mensajeros)"),
        HomeHelp => ("C  Help", "C  Ayuda"),
        HomeLanguage => ("D  Español", "D  English"),
        PickupTitle => ("Pick up a parcel", "Recoger un paquete"),
        EnterCode => (
            "Enter the 6-digit code from your message:",
            "Escriba el código de 6 dígitos de su mensaje:",
        ),
        OrScan => (
            "Or scan the QR code from your message.",
            "O escanee el código QR de su mensaje.",
        ),
        KeysCodeEntry => ("# Open door   * Delete", "# Abrir puerta   * Borrar"),
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
            "#  Re-open door {door} (within {secs} s)",
            "#  Reabrir la puerta {door} (durante {secs} s)",
        ),
        ReportKey => ("C  Report a problem", "C  Informar de un problema"),
        DoneKey => ("*  Done", "*  Terminar"),
        ReportTitle => (
            "Report a problem with door {door}",
            "Informar de un problema con la puerta {door}",
        ),
        ProblemWrongParcel => ("1  Wrong parcel", "1  Paquete equivocado"),
        ProblemDamaged => ("2  Parcel damaged", "2  Paquete dañado"),
        ProblemEmpty => ("3  Compartment empty", "3  Compartimento vacío"),
        ProblemDoorDidNotOpen => ("4  Door did not open", "4  La puerta no se abrió"),
        BackKey => ("*  Back", "*  Volver"),
        ProblemRecorded => (
            "Staff have been told about door {door}.",
            "El personal ha sido avisado sobre la puerta {door}.",
        ),
        ProblemReference => ("Your reference: {reference}", "Su referencia: {reference}"),
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
        CodeOtherKiosk => (
            "This QR code is for Kiosk {kiosk}. This is Kiosk {letter}.",
            "Este código QR es del quiosco {kiosk}. Este es el quiosco {letter}.",
        ),
        CodeNeedsInspection => (
            "This door needs a check by staff. Please ask: {contact}",
            "Esta puerta necesita una revisión. Pregunte a: {contact}",
        ),
        CodeDoorBusy => ("That door is already open.", "Esa puerta ya está abierta."),
        CodeMalformed => ("A code has 6 digits.", "Un código tiene 6 dígitos."),
        ScannedTracking => (
            "That is a tracking label, not a pickup code. Couriers: press B.",
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
            "1. The right kiosk: this is Kiosk {letter}, locker code {code}.",
            "1. El quiosco correcto: este es el quiosco {letter}, código {code}.",
        ),
        CheckSixDigits => ("2. You typed all 6 digits.", "2. Escribió los 6 dígitos."),
        CheckNotOld => (
            "3. It is not an old code, already used for another parcel.",
            "3. No es un código antiguo, ya usado para otro paquete.",
        ),
        CheckAskStaff => (
            "4. Still not working? Ask staff: {contact}",
            "4. ¿Sigue sin funcionar? Pregunte al personal: {contact}",
        ),
        TriesLeft => (
            "{tries} tries left before typed codes pause.",
            "Quedan {tries} intentos antes de pausar los códigos.",
        ),
        OneTryLeft => (
            "1 try left before typed codes pause.",
            "Queda 1 intento antes de pausar los códigos.",
        ),
        KeysTryAgain => ("# Try again   * Home", "# Reintentar   * Inicio"),
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
            "B Deposit   C Help   D Language   * Home",
            "B Depositar   C Ayuda   D Idioma   * Inicio",
        ),
        NeedHelp => ("Need help? {contact}", "¿Necesita ayuda? {contact}"),
        FeeTitle => ("Fee to pay", "Tarifa a pagar"),
        FeeBeforeOpen => (
            "Door {door} opens after you accept the fee.",
            "La puerta {door} se abre al aceptar la tarifa.",
        ),
        FeeUse => ("Use fee", "Tarifa de uso"),
        FeeStorage => ("Storage, {days} days", "Almacenaje, {days} días"),
        FeeTotal => ("Total", "Total"),
        KeysFee => ("# Pay and open   * Cancel", "# Pagar y abrir   * Cancelar"),
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
        KeysHome => ("* Home", "* Inicio"),
        KeysFaultDeposit => ("# Choose size   * Menu", "# Elegir tamaño   * Menú"),
        SignInTitle => ("Courier sign-in", "Acceso de mensajeros"),
        EnterUser => (
            "Type your user number, then #.",
            "Escriba su número de usuario y pulse #.",
        ),
        OrBadge => ("Or scan your badge.", "O escanee su tarjeta."),
        UserLabel => ("User", "Usuario"),
        PinLabel => ("PIN", "PIN"),
        EnterPin => ("Type your PIN, then #.", "Escriba su PIN y pulse #."),
        KeysSignIn => ("# Next   * Delete", "# Siguiente   * Borrar"),
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
        MenuSignOut => ("*  Sign out", "*  Cerrar sesión"),
        TrackingTitle => ("Tracking number", "Número de seguimiento"),
        TrackingInvalid => (
            "A tracking number has 4 to 40 letters, digits or '-'. Try again.",
            "Un número de seguimiento tiene de 4 a 40 letras, dígitos o '-'.",
        ),
        TrackingHow => (
            "Scan the parcel's barcode, or type the number and press #.",
            "Escanee el código de barras, o escriba el número y pulse #.",
        ),
        RecipientTitle => ("Recipient ID", "ID del destinatario"),
        RecipientInvalid => (
            "A recipient ID is PX- and 6 digits. Type the 6 digits again.",
            "Un ID de destinatario es PX- y 6 dígitos. Escriba los 6 de nuevo.",
        ),
        RecipientHow => (
            "Scan the ID, or type the 6 digits after PX- and press #.",
            "Escanee el ID, o escriba los 6 dígitos tras PX- y pulse #.",
        ),
        KeysTyping => (
            "# Next   * Delete / back",
            "# Siguiente   * Borrar / volver",
        ),
        NotRegisteredTitle => (
            "Not registered: deliver as usual",
            "No registrado: entregue como de costumbre",
        ),
        NotRegisteredWhy => (
            "{recipient} has no locker account here.",
            "{recipient} no tiene cuenta de casillero aquí.",
        ),
        KeysNextOrMenu => ("# Next parcel   * Menu", "# Siguiente paquete   * Menú"),
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
            "Type each number and press #.",
            "Escriba cada número y pulse #.",
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
        CancelKey => ("*  Cancel", "*  Cancelar"),
        PutParcelIn => (
            "Put the parcel in and close the door.",
            "Coloque el paquete y cierre la puerta.",
        ),
        DepositKeys => ("1 Does not fit   * Cancel", "1 No cabe   * Cancelar"),
        DepositKeysLargest => ("* Cancel", "* Cancelar"),
        DimensionZero => (
            "A parcel is at least 1 cm in every direction. Type it again.",
            "Un paquete mide al menos 1 cm en cada sentido. Escríbalo de nuevo.",
        ),
        ClosedEmpty => (
            "Door {door} closed with nothing inside",
            "La puerta {door} se cerró sin nada dentro",
        ),
        MovedDoor => (
            "Close door {from}; put the parcel in door {door}.",
            "Cierre la puerta {from}; ponga el paquete en la puerta {door}.",
        ),
        CancelledClose => (
            "Deposit cancelled. Please close door {door}.",
            "Depósito cancelado. Cierre la puerta {door}.",
        ),
        DepositCancelled => ("Deposit cancelled.", "Depósito cancelado."),
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
            "# Next parcel   * Sign out",
            "# Siguiente paquete   * Salir",
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
        KeysRemoval => ("# Open door   * Stop", "# Abrir puerta   * Salir"),
        KeysRemovalDone => ("* Menu", "* Menú"),
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
            "Pick up: press A, type the 6-digit code from your message, then #.",
            "Recoger: pulse A, escriba el código de 6 dígitos y pulse #.",
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
            "Couriers: press B and sign in.",
            "Mensajeros: pulse B e inicie sesión.",
        ),
        HelpKeys => (
            "*  deletes or goes back      #  confirms",
            "*  borra o vuelve atrás      #  confirma",
        ),
        HelpContact => ("Questions: {contact}", "Preguntas: {contact}"),
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
            "No larger free door: cancel with *.",
            "No hay puerta libre mayor: cancele con *.",
        ),
        SomethingWrong => (
            "Something went wrong. Please ask staff: {contact}",
            "Algo salió mal. Pregunte al personal: {contact}",
        ),
        TypeFirst => ("Type a number first.", "Escriba primero un número."),
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

#[cfg(test)]
mod tests {
    use super::*;
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
    fn spanish_letters_survive_a_vt100_as_plain_ascii() {
        let shown: String = "Código dañado ¿Sigue?"
            .chars()
            .map(|c| ascii_symbol(&c.to_string()))
            .collect();
        assert_eq!(shown, "Codigo danado ?Sigue?");
    }
}
